import type { WorkerConnection } from "@cc/core";
import { describe, expect, it } from "vitest";
import {
  AHEAD_MS,
  callLimit,
  flushEarly,
  lingerAfter,
  MAX_WINDOW,
  MIN_WINDOW,
  pickWorker,
  rampAfterFinish,
  START_WINDOW,
  taskFinished,
  workersToStart,
} from "./_policy.ts";
import { PoolWorker } from "./_pool_worker.ts";

// The policy reads and sets a worker's counters only: no connection is needed.
function worker(fields: Partial<PoolWorker> = {}): PoolWorker {
  return Object.assign(new PoolWorker({} as WorkerConnection), fields);
}

describe("the window of a worker", () => {
  it("starts at one call and doubles with each finished task while the service time is unknown", () => {
    // busy since a time to come: less than an epoch of busy time, so nothing is measured
    const w = worker({ inFlight: 1, busySince: performance.now() + 1e9 });
    expect(w.window).toBe(START_WINDOW);
    const windows: number[] = [];
    for (let i = 0; i < 12; i++) {
      taskFinished(w);
      windows.push(w.window);
    }
    expect(w.serviceMs).toBe(0);
    expect(windows).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1024, 1024]);
  });

  it("for tiny tasks, grows by doubling toward AHEAD_MS of work, at most MAX_WINDOW", () => {
    // 1 ms of busy time over 100,000 tasks: 10 ns each (plus what the clock adds, far below
    // AHEAD_MS / MAX_WINDOW unless this thread stalls for 90 ms), so AHEAD_MS holds more than MAX_WINDOW
    const w = worker({ inFlight: 1, window: 64, busyTotal: 1, busySince: performance.now(), epochDone: 99_999 });
    taskFinished(w);
    expect(w.serviceMs).toBeGreaterThan(0);
    expect(w.serviceMs).toBeLessThan(AHEAD_MS / MAX_WINDOW);
    expect(w.window).toBe(128); // doubles, does not jump
    w.busySince = performance.now() + 1e9; // no new epoch: the measured service time stays
    for (let i = 0; i < 10; i++) taskFinished(w);
    expect(w.window).toBe(MAX_WINDOW);
  });

  it("for slow tasks, drops at once to MIN_WINDOW", () => {
    // 50 ms of busy time over 10 tasks: 5 ms each, longer than AHEAD_MS
    const w = worker({ inFlight: 1, window: 512, busyTotal: 50, busySince: performance.now(), epochDone: 9 });
    taskFinished(w);
    expect(w.serviceMs).toBeGreaterThanOrEqual(5);
    expect(w.window).toBe(MIN_WINDOW);
  });

  it("sends at most half a window per message once the window is 8 or more", () => {
    expect(flushEarly(worker({ window: 4, unsent: 4 }))).toBe(false);
    expect(flushEarly(worker({ window: 16, unsent: 7 }))).toBe(false);
    expect(flushEarly(worker({ window: 16, unsent: 8 }))).toBe(true);
  });
});

describe("the ramp of a task", () => {
  it("doubles with each completion up to MAX_WINDOW; a task with a timeout has at most MIN_WINDOW in flight", () => {
    expect(rampAfterFinish(1)).toBe(2);
    expect(rampAfterFinish(MAX_WINDOW)).toBe(MAX_WINDOW);
    expect(callLimit(64, false)).toBe(64);
    expect(callLimit(64, true)).toBe(MIN_WINDOW);
    expect(callLimit(1, true)).toBe(1);
  });
});

describe("which worker takes the next task", () => {
  it("the least loaded one with room under its window and the task's limit", () => {
    const a = worker({ window: 8, inFlight: 3 });
    const b = worker({ window: 8, inFlight: 2 });
    const full = worker({ window: 1, inFlight: 1 });
    expect(pickWorker([a, b, full], 100, false)).toBe(b);
    expect(pickWorker([a, b], 2, false)).toBeUndefined(); // the task's ramp: 2 in flight per worker
    expect(pickWorker([full], 100, false)).toBeUndefined();
  });

  it("skips a retiring worker, one running an exclusive task, and one with an aborted task still running", () => {
    const idle = worker({ window: 8 });
    expect(pickWorker([worker({ window: 8, retiring: true }), idle], 100, false)).toBe(idle);
    expect(pickWorker([worker({ window: 8, exclusive: true }), idle], 100, false)).toBe(idle);
    expect(pickWorker([worker({ window: 8, aborted: 1 }), idle], 100, false)).toBe(idle);
  });

  it("an exclusive task (abort: terminate) takes only an idle worker", () => {
    const busy = worker({ window: 8, inFlight: 1 });
    expect(pickWorker([busy], 100, true)).toBeUndefined();
    const idle = worker({ window: 8 });
    expect(pickWorker([busy, idle], 100, true)).toBe(idle);
  });
});

describe("how many workers start, and when a worker lingers", () => {
  it("starts one more whenever work waits and no worker is idle, up to maxWorkers", () => {
    expect(workersToStart([], 4, 10)).toBe(4);
    expect(workersToStart([], 4, 1)).toBe(1);
    expect(workersToStart([worker()], 4, 1)).toBe(0); // an idle worker takes it
    expect(workersToStart([worker({ inFlight: 1 })], 4, 2)).toBe(2);
    expect(workersToStart([worker({ inFlight: 1 }), worker({ inFlight: 1 })], 2, 5)).toBe(0);
  });

  it("lingers after a lone task with nothing else running or queued", () => {
    expect(lingerAfter(1, 0)).toBe(true);
    expect(lingerAfter(2, 0)).toBe(false);
    expect(lingerAfter(1, 1)).toBe(false);
  });
});
