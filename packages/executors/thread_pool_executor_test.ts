import { spawnSync } from "node:child_process";
import { getEventListeners } from "node:events";
import { fileURLToPath } from "node:url";
import {
  BrokenThreadPool,
  CancelledError,
  CloneError,
  InvalidStateError,
  QueueFullError,
  TimeoutError,
  task,
  WorkerExitError,
} from "@cc/core";
import { type Future, wait } from "@cc/futures";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_AHEAD_PER_WORKER } from "./_map.ts";
import { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "./mod.ts";
import type * as T from "./testdata/tasks.ts";

const tasks = new URL("./testdata/tasks.ts", import.meta.url);
const square = task<typeof T.square>(tasks, "square");
const whoAmI = task<typeof T.whoAmI>(tasks, "whoAmI");
const fail = task<typeof T.fail>(tasks, "fail");
const hold = task<typeof T.holdUntilReleased>(tasks, "holdUntilReleased");
const untilCancelled = task<typeof T.untilCancelled>(tasks, "untilCancelled");
const stuck = task<typeof T.stuck>(tasks, "stuck");
const spin = task<typeof T.spin>(tasks, "spin");
const spinForever = task<typeof T.spinForever>(tasks, "spinForever");
const squareOrFail = task<typeof T.squareOrFail>(tasks, "squareOrFail");

const pools: ThreadPoolExecutor[] = [];
function pool(options: ThreadPoolExecutorOptions = {}): ThreadPoolExecutor {
  const p = new ThreadPoolExecutor(options);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdown({ wait: true, cancelFutures: true })));
});

/** A shared latch: slot i is 0 (not started), 1 (started), 2 (released). */
function latch(size = 8): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * size));
}
async function started(l: Int32Array, i: number): Promise<void> {
  while (Atomics.load(l, i) === 0) {
    const r = Atomics.waitAsync(l, i, 0, 5000);
    if (r.async) await r.value;
  }
}
function release(l: Int32Array, i: number): void {
  Atomics.store(l, i, 2);
  Atomics.notify(l, i);
}

describe("ThreadPoolExecutor", () => {
  it("runs the seed's n7: six submits, wait, results in order", async () => {
    const executor = pool({ maxWorkers: 4 });
    const futures = [123, 456, 789, 111, 222, 333].map((id) => executor.submit(square, id));
    const { done, notDone } = await wait(futures);
    expect(done.size).toBe(6);
    expect(notDone.size).toBe(0);
    expect(futures.map((f) => f.resultNow())).toEqual([15129, 207936, 622521, 12321, 49284, 110889]);
  });

  it("is awaitable per future and keeps the thrown error's class", async () => {
    const executor = pool({ maxWorkers: 2 });
    expect(await executor.submit(square, 12)).toBe(144);
    await expect(executor.submit(fail, "nope")).rejects.toThrow(RangeError);
    await expect(executor.submit(fail, "nope")).rejects.toThrow("nope");
    expect(await executor.submit(square, 3)).toBe(9);
  });

  it("passes submit's arguments as given: none, one (an array, undefined) or several, queued or sent", async () => {
    const executor = pool({ maxWorkers: 1 });
    const argsOf = task<typeof T.argsOf>(tasks, "argsOf");
    const futures = [
      executor.submit(argsOf),
      executor.submit(argsOf, [1, 2]),
      executor.submit(argsOf, undefined),
      executor.submit(argsOf, 1, "b", null),
    ];
    expect(await Promise.all(futures)).toStrictEqual([[], [[1, 2]], [undefined], [1, "b", null]]);
    const again = [
      executor.submit(argsOf, [3]),
      executor.submitWith(argsOf, [[4]]),
      executor.submitWith(argsOf, [5, 6], { timeout: 60_000 }),
    ];
    expect(await Promise.all(again)).toStrictEqual([[[3]], [[4]], [5, 6]]);
  });

  it("runs 10,000 tasks submitted together, each result with its task", async () => {
    const executor = pool({ maxWorkers: 2 });
    const futures = Array.from({ length: 10_000 }, (_, i) => executor.submit(square, i));
    const results = await Promise.all(futures.map((f) => f.result()));
    expect(results.every((r, i) => r === i * i)).toBe(true);
    expect(executor.stats()).toMatchObject({ completed: 10_000, failed: 0, queued: 0, running: 0 });
  });

  it("starts workers on demand, up to maxWorkers", async () => {
    const executor = pool({ maxWorkers: 3 });
    expect(executor.stats().workers).toBe(0);
    await executor.submit(square, 1);
    expect(executor.stats().workers).toBe(1);
    const l = latch();
    const held = [0, 1, 2, 3].map((i) => executor.submit(hold, l, i));
    await Promise.all([0, 1, 2].map((i) => started(l, i)));
    expect(executor.stats().workers).toBe(3);
    for (let i = 0; i < 4; i++) release(l, i);
    expect(await Promise.all(held)).toEqual([0, 1, 2, 3]);
  });

  it("runs 64 workers on a 2-core machine, and every task completes", async () => {
    const executor = pool({ maxWorkers: 64 });
    const l = latch(64);
    const futures = Array.from({ length: 64 }, (_, i) => executor.submit(hold, l, i));
    await Promise.all(Array.from({ length: 64 }, (_, i) => started(l, i))); // all 64 run at once
    expect(executor.stats().workers).toBe(64);
    for (let i = 0; i < 64; i++) release(l, i);
    expect(await Promise.all(futures)).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });

  describe("map", () => {
    it("yields results in input order", async () => {
      const executor = pool({ maxWorkers: 2 });
      const out: number[] = [];
      for await (const r of executor.map(square, [123, 456, 789, 111, 222, 333])) out.push(r);
      expect(out).toEqual([15129, 207936, 622521, 12321, 49284, 110889]);
    });

    it("reads an infinite input lazily and stops it when the loop is left", async () => {
      const executor = pool({ maxWorkers: 2 });
      let pulled = 0;
      let closed = false;
      function* naturals() {
        try {
          for (let i = 0; ; i++) {
            pulled++;
            yield i;
          }
        } finally {
          closed = true;
        }
      }
      const out: number[] = [];
      for await (const r of executor.map(square, naturals(), { buffersize: 10 })) {
        out.push(r);
        if (out.length === 100) break;
      }
      expect(out).toEqual(Array.from({ length: 100 }, (_, i) => i * i));
      expect(pulled).toBeLessThanOrEqual(100 + 10 + 1);
      expect(closed).toBe(true);
    });

    it("accepts an async iterable and chunksize", async () => {
      const executor = pool({ maxWorkers: 2 });
      async function* input() {
        for (let i = 0; i < 25; i++) yield i;
      }
      const out: number[] = [];
      for await (const r of executor.map(square, input(), { chunksize: 4 })) out.push(r);
      expect(out).toEqual(Array.from({ length: 25 }, (_, i) => i * i));
    });

    it("raises a task's error when iteration reaches it", async () => {
      const executor = pool({ maxWorkers: 2 });
      const out: string[] = [];
      const run = async () => {
        for await (const r of executor.map(task<(x: string) => string>(tasks, "describeArg"), ["a", "b"])) out.push(r);
        for await (const _ of executor.map(fail, ["first", "second"])) out.push("never");
      };
      await expect(run()).rejects.toThrow("first");
      expect(out).toEqual(["[object String]", "[object String]"]);
    });

    it("times out from the call to map, and cancels what has not started", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const blocked = executor.submit(hold, l, 0);
      await started(l, 0);
      const results = executor.map(square, [1, 2, 3], { timeout: 10 });
      await expect(results.next()).rejects.toBeInstanceOf(TimeoutError);
      expect(executor.stats().queued).toBe(0); // the unstarted items were cancelled
      release(l, 0);
      await blocked;
    });

    it("with default options, yields 20,000 items of a generator in order, and an error at its own item", async () => {
      const executor = pool({ maxWorkers: 2 });
      function* numbers(n: number, failAt = -1) {
        for (let i = 0; i < n; i++) yield i === failAt ? -i : i;
      }
      let i = 0;
      for await (const y of executor.map(square, numbers(20_000))) {
        expect(y).toBe(i * i);
        i++;
      }
      expect(i).toBe(20_000);
      const out: number[] = [];
      const run = async () => {
        for await (const y of executor.map(squareOrFail, numbers(20_000, 12_345))) out.push(y);
      };
      await expect(run()).rejects.toThrow("negative: -12345");
      expect(out).toHaveLength(12_345); // every result before the failed item, none after
      expect(out[12_344]).toBe(12_344 * 12_344);
    });

    it("with default options, reads an endless generator at most 1,024 items per worker ahead of the loop", async () => {
      const executor = pool({ maxWorkers: 2 });
      let pulled = 0;
      let closed = false;
      function* naturals() {
        try {
          for (let i = 0; ; i++) {
            pulled++;
            yield i;
          }
        } finally {
          closed = true;
        }
      }
      let taken = 0;
      for await (const _ of executor.map(square, naturals())) {
        if (pulled - taken > MAX_AHEAD_PER_WORKER * 2 + 1) throw new Error(`read ${pulled - taken} items ahead`);
        if (++taken === 30_000) break;
      }
      expect(pulled - taken).toBeLessThanOrEqual(MAX_AHEAD_PER_WORKER * 2);
      expect(closed).toBe(true);
      await executor.shutdown(); // the calls not started were cancelled: nothing is left to run
      expect(executor.stats().cancelled + executor.stats().completed).toBe(pulled);
    });

    it("with default options, the first result of slow items comes while the others still run, even after tiny tasks", async () => {
      const executor = pool({ maxWorkers: 2 });
      for await (const _ of executor.map(
        square,
        Array.from({ length: 20_000 }, (_, i) => i),
      )); // measured tiny
      const l = latch(16);
      const items = Array.from({ length: 16 }, (_, i) => [l, i] as [Int32Array, number]);
      const results = executor.map(task<typeof T.waitForRelease>(tasks, "waitForRelease"), items);
      const first = results.next();
      await started(l, 0);
      release(l, 0);
      expect(await first).toEqual({ value: 0, done: false }); // items 1… are still held
      expect(Atomics.load(l, 15)).not.toBe(2);
      for (let i = 1; i < 16; i++) release(l, i);
      const rest: number[] = [];
      for await (const y of results) rest.push(y);
      expect(rest).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    });

    it("with default options, stays within maxQueue", async () => {
      const executor = pool({ maxWorkers: 2, maxQueue: 3 });
      let n = 0;
      for await (const y of executor.map(
        square,
        Array.from({ length: 5000 }, (_, i) => i),
      )) {
        expect(y).toBe(n * n);
        n++;
      }
      expect(n).toBe(5000); // never a QueueFullError
    });

    it("rejects bad options", () => {
      const executor = pool({ maxWorkers: 1 });
      expect(() => executor.map(square, [1], { chunksize: 0 })).toThrow(RangeError);
      expect(() => executor.map(square, [1], { chunksize: 1.5 })).toThrow(/chunksize must be an integer ≥ 1, got 1.5/);
      expect(() => executor.map(square, [1], { buffersize: -1 })).toThrow(RangeError);
      expect(() => executor.map(square, 5 as unknown as number[])).toThrow(TypeError);
    });
  });

  describe("shutdown", () => {
    it("refuses new work synchronously, is idempotent, and waits for queued work", async () => {
      const executor = pool({ maxWorkers: 2 });
      const futures = Array.from({ length: 50 }, (_, i) => executor.submit(square, i));
      const first = executor.shutdown();
      const second = executor.shutdown();
      expect(() => executor.submit(square, 1)).toThrow(InvalidStateError);
      expect(() => executor.submit(square, 1)).toThrow("cannot schedule new futures after shutdown");
      await Promise.all([first, second]);
      expect(futures.every((f) => f.done() && !f.cancelled())).toBe(true);
      expect(executor.stats().workers).toBe(0);
    });

    it("with cancelFutures cancels what has not started and lets running tasks finish", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const running = executor.submit(hold, l, 0);
      await started(l, 0);
      const queued = Array.from({ length: 20 }, (_, i) => executor.submit(square, i));
      const closing = executor.shutdown({ wait: false, cancelFutures: true });
      await closing; // wait: false resolves at once
      expect(queued.every((f) => f.cancelled())).toBe(true);
      expect(running.running()).toBe(true);
      release(l, 0);
      expect(await running).toBe(0);
      await executor.shutdown();
      expect([running, ...queued].every((f: Future<unknown>) => f.done())).toBe(true);
    });

    it("works with await using", async () => {
      let executor: ThreadPoolExecutor | undefined;
      {
        await using e = new ThreadPoolExecutor({ maxWorkers: 1 });
        executor = e;
        expect(await e.submit(square, 5)).toBe(25);
      }
      expect(executor.isShutdown).toBe(true);
      expect(executor.stats().workers).toBe(0);
    });

    it("lets the process exit when a pool is left idle, or after shutdown", () => {
      const script = fileURLToPath(new URL("./testdata/exit_cleanly.mjs", import.meta.url));
      const r = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("idle pool: 144\nidle low-latency pool: 121\nshut down: 169\n");
      expect(r.status).toBe(0);
    });
  });

  describe("cancellation", () => {
    it("future.cancel() works while queued, not once running (Python)", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const running = executor.submit(hold, l, 0);
      const queued = executor.submit(square, 2);
      await started(l, 0);
      expect(running.cancel()).toBe(false);
      expect(queued.cancel()).toBe(true);
      expect(executor.stats()).toMatchObject({ queued: 0, cancelled: 1 });
      release(l, 0);
      expect(await running).toBe(0);
      await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
    });

    it("an abort while queued cancels the future; the task never runs", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const running = executor.submit(hold, l, 0);
      const controller = new AbortController();
      const queued = executor.submitWith(hold, [l, 1], { signal: controller.signal });
      controller.abort();
      expect(queued.cancelled()).toBe(true);
      await started(l, 0);
      release(l, 0);
      await running;
      expect(Atomics.load(l, 1)).toBe(0);
    });

    it("listens once to a signal shared by many submits, and stops listening when they are done", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const running = executor.submit(hold, l, 0);
      const controller = new AbortController();
      const queued = Array.from({ length: 50 }, (_, i) =>
        executor.submitWith(square, [i], { signal: controller.signal }),
      );
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      controller.abort();
      expect(queued.every((f) => f.cancelled())).toBe(true);
      await started(l, 0);
      release(l, 0);
      await running;
      const other = new AbortController();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => executor.submitWith(square, [i], { signal: other.signal })),
      );
      expect(getEventListeners(other.signal, "abort")).toHaveLength(0);
    });

    it("an already aborted signal cancels at once", () => {
      const executor = pool({ maxWorkers: 1 });
      const f = executor.submitWith(square, [1], { signal: AbortSignal.abort() });
      expect(f.cancelled()).toBe(true);
    });

    it("an abort while running reaches the task's signal; the worker stays", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const controller = new AbortController();
      const before = await executor.submit(whoAmI);
      const f = executor.submitWith(untilCancelled, [l, 0], { signal: controller.signal });
      await started(l, 0);
      controller.abort(new CancelledError("user stop"));
      await expect(f.result()).rejects.toThrow("user stop");
      expect(await executor.submit(whoAmI)).toBe(before);
    });

    it("a hard stop terminates the worker and replaces it", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const controller = new AbortController();
      const before = await executor.submit(whoAmI);
      const f = executor.submitWith(stuck, [l, 0], { signal: controller.signal, abort: "terminate" });
      await started(l, 0);
      controller.abort(new Error("hard stop"));
      await expect(f.result()).rejects.toThrow("hard stop");
      const after = await executor.submit(whoAmI);
      expect(after).not.toBe(before);
    });

    it("terminate() stops the running tasks, cancels the queued ones and ends every worker", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const running = executor.submit(stuck, l, 0);
      const queued = executor.submit(square, 3);
      await started(l, 0);
      await executor.terminate();
      expect(await running.exception()).toBeInstanceOf(WorkerExitError);
      expect(queued.cancelled()).toBe(true);
      expect(executor.stats().workers).toBe(0);
      expect(() => executor.submit(square, 1)).toThrow(InvalidStateError);
    });

    it("a timeout counts from dispatch, not from submit", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const blocker = executor.submit(hold, l, 0);
      const timed = executor.submitWith(square, [7], { timeout: 300 });
      await started(l, 0);
      // time passes while it is queued: counted from submit, its budget would be spent
      await new Promise((resolve) => setTimeout(resolve, 400));
      release(l, 0);
      await blocker;
      expect(await timed).toBe(49);
    });

    it("a timeout fails a running task with TimeoutError and aborts its signal", async () => {
      const executor = pool({ maxWorkers: 1 });
      const l = latch();
      const f = executor.submitWith(untilCancelled, [l, 0], { timeout: 20 });
      const error = await f.exception();
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toBe('task "untilCancelled" timed out after 20 ms');
      expect(await executor.submit(square, 4)).toBe(16);
    });
  });

  describe("failures", () => {
    it("a task that calls process.exit() fails with WorkerExitError; the worker is replaced", async () => {
      const executor = pool({ maxWorkers: 1 });
      const error = await executor.submit(task<(c: number) => never>(tasks, "exitWith"), 5).exception();
      expect(error).toBeInstanceOf(WorkerExitError);
      expect(error).toMatchObject({ exitCode: 5 });
      expect(await executor.submit(square, 6)).toBe(36);
    });

    it("an uncaught exception inside the worker fails the task with that error", async () => {
      const executor = pool({ maxWorkers: 1 });
      const error = await executor.submit(task<(m: string) => never>(tasks, "throwFromTimer"), "late").exception();
      expect(error).toBeInstanceOf(SyntaxError);
      expect((error as Error).message).toBe("late");
      expect(await executor.submit(square, 6)).toBe(36);
    });

    it("a worker that runs out of memory fails its task; the pool goes on", async () => {
      const executor = pool({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
      const error = await executor.submit(task<() => number>(tasks, "hog")).exception();
      expect(error).toBeInstanceOf(WorkerExitError);
      expect(error).toMatchObject({ outOfMemory: true });
      expect(await executor.submit(square, 8)).toBe(64);
    });

    it("a non-cloneable argument fails that future with the path; the pool is unaffected", async () => {
      const executor = pool({ maxWorkers: 1 });
      const describeArg = task<(v: unknown) => string>(tasks, "describeArg");
      const bad = executor.submit(describeArg, { nested: { callback: () => 1 } });
      const good = executor.submit(square, 9);
      const error = await bad.exception();
      expect(error).toBeInstanceOf(CloneError);
      expect(error).toMatchObject({ path: "args[0].nested.callback" });
      expect(await good).toBe(81);
    });
  });

  describe("initializer", () => {
    it("runs once in each worker before its tasks, also when async", async () => {
      const executor = pool({ maxWorkers: 2, initializer: task(tasks, "initSlowly"), initArgs: ["ready"] });
      const readInit = task<typeof T.readInit>(tasks, "readInit");
      const results = await Promise.all(Array.from({ length: 20 }, () => executor.submit(readInit)));
      expect(results.every((r) => r.value === "ready" && r.count === 1)).toBe(true);
    });

    it("breaks the pool when it fails: pending futures and later submits raise BrokenThreadPool", async () => {
      const executor = pool({ maxWorkers: 1, initializer: task(tasks, "initFails") });
      const futures = Array.from({ length: 5 }, (_, i) => executor.submit(square, i));
      const errors = await Promise.all(futures.map((f) => f.exception()));
      for (const e of errors) expect(e).toBeInstanceOf(BrokenThreadPool);
      expect(((errors[0] as Error).cause as Error).message).toBe("cannot initialise");
      expect(() => executor.submit(square, 1)).toThrow(BrokenThreadPool);
    });
  });

  describe("more", () => {
    it("bounds the queue with maxQueue and waits for capacity", async () => {
      const executor = pool({ maxWorkers: 1, maxQueue: 2 });
      const l = latch();
      const first = executor.submit(hold, l, 0);
      await started(l, 0);
      const queued = [executor.submit(square, 1), executor.submit(square, 2)];
      expect(() => executor.submit(square, 3)).toThrow(QueueFullError);
      const room = executor.waitForCapacity();
      release(l, 0);
      await room;
      expect(await executor.submit(square, 3)).toBe(9);
      await Promise.all([first, ...queued]);
    });

    it("streams an async generator's items with backpressure, and stops it when the loop is left", async () => {
      const executor = pool({ maxWorkers: 1 });
      const out: number[] = [];
      for await (const x of executor.stream(task<typeof T.countTo>(tasks, "countTo"), [5])) out.push(x);
      expect(out).toEqual([1, 2, 3, 4, 5]);
      const l = latch();
      let seen = 0;
      for await (const x of executor.stream(task<typeof T.forever>(tasks, "forever"), [l], { highWaterMark: 4 })) {
        seen = x;
        if (x === 10) break;
      }
      await started(l, 0); // the generator's finally ran in the worker
      expect(seen).toBe(10);
      expect(Atomics.load(l, 1)).toBeLessThanOrEqual(10 + 4 + 1); // it never ran far ahead
      expect(await executor.submit(square, 2)).toBe(4);
    });

    it("moves transferred buffers and reports progress", async () => {
      const executor = pool({ maxWorkers: 1 });
      const bytes = new Uint8Array(1024);
      const n = await executor.submitWith(task<typeof T.byteLength>(tasks, "byteLength"), [bytes], {
        transfer: [bytes.buffer],
      });
      expect(n).toBe(1024);
      expect(bytes.byteLength).toBe(0);
      const seen: unknown[] = [];
      await executor.submitWith(task<typeof T.withProgress>(tasks, "withProgress"), [3], {
        onProgress: (v) => seen.push(v),
      });
      expect(seen).toEqual([1, 2, 3]);
    });

    it("accepts a submit from inside a task (a task runs its own pool in its worker)", async () => {
      const executor = pool({ maxWorkers: 1 });
      const nested = task<typeof T.sumOfSquaresNested>(tasks, "sumOfSquaresNested");
      expect(await executor.submit(nested, 10)).toBe(385);
    });

    it("accepts a submit from a done callback (work that schedules work)", async () => {
      const executor = pool({ maxWorkers: 2 });
      const chained = new Promise<number>((resolve) => {
        executor.submit(square, 3).addDoneCallback((f) => {
          executor.submit(square, f.resultNow()).addDoneCallback((g) => resolve(g.resultNow()));
        });
      });
      expect(await chained).toBe(81);
    });

    it("retires idle workers after idleTimeout, and replaces workers after maxTasksPerWorker", async () => {
      const executor = pool({ maxWorkers: 1, maxTasksPerWorker: 2 });
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await executor.submit(whoAmI));
      expect(ids[0]).toBe(ids[1]);
      expect(ids[2]).toBe(ids[3]);
      expect(ids[1]).not.toBe(ids[2]);
      const idle = pool({ maxWorkers: 1, idleTimeout: 0 });
      await idle.submit(square, 1);
      await vi.waitFor(() => expect(idle.stats().workers).toBe(0), { timeout: 10_000, interval: 5 });
      expect(await idle.submit(square, 2)).toBe(4);
    });

    it("low-latency mode (spinMs) runs sequential and batched tasks correctly", async () => {
      const executor = pool({ maxWorkers: 1, spinMs: 2 });
      for (let i = 0; i < 50; i++) expect(await executor.submit(square, i)).toBe(i * i);
      const all = await Promise.all(Array.from({ length: 500 }, (_, i) => executor.submit(square, i)));
      expect(all.every((r, i) => r === i * i)).toBe(true);
    });

    it("a lingering worker (lingerMs) still runs async and timer-driven tasks, and stops at shutdown", async () => {
      // A linger of minutes: if an idle worker kept polling while a call waited on its event loop, the
      // timer task below would hang; if it kept polling after shutdown, shutdown would hang.
      const executor = pool({ maxWorkers: 1, lingerMs: 600_000 });
      for (let i = 0; i < 20; i++) expect(await executor.submit(square, i)).toBe(i * i);
      expect(await executor.submit(task<(n: number) => Promise<number>>(tasks, "sumOfSquaresNested"), 3)).toBe(14);
      await expect(executor.submit(task<(m: string) => never>(tasks, "throwFromTimer"), "timer")).rejects.toThrow(
        "timer",
      );
      expect(await executor.submit(square, 7)).toBe(49);
      await executor.shutdown();
      expect(executor.stats().workers).toBe(0);
    });

    it("a lingering worker runs each task's microtasks before the next task, as without lingering", async () => {
      const executor = pool({ maxWorkers: 1, lingerMs: 600_000 });
      const setLater = task<(v: number) => void>(tasks, "setLater");
      const readLater = task<() => number>(tasks, "readLater");
      const seen: number[] = [];
      for (let i = 0; i < 200; i++) {
        await executor.submit(setLater, i);
        seen.push(await executor.submit(readLater));
      }
      expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i));
    });

    it("low-latency mode delivers errors, a dying worker's last words and its exit", async () => {
      const executor = pool({ maxWorkers: 1, spinMs: 2 });
      await expect(executor.submit(fail, "boom")).rejects.toThrow("boom");
      await expect(executor.submit(task<(m: string) => never>(tasks, "throwFromTimer"), "late")).rejects.toThrow(
        "late",
      );
      await expect(executor.submit(task<(c: number) => never>(tasks, "exitWith"), 3)).rejects.toBeInstanceOf(
        WorkerExitError,
      );
      expect(await executor.submit(square, 9)).toBe(81); // a fresh worker took over
    });

    it("keeps memory flat over 100,000 tasks (nothing retained after settle)", async () => {
      const { setFlagsFromString } = await import("node:v8");
      const { runInNewContext } = await import("node:vm");
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as () => void;
      const executor = pool({ maxWorkers: 2 });
      const round = async () => {
        const futures = Array.from({ length: 20_000 }, (_, i) => executor.submit(square, i));
        await Promise.all(futures);
      };
      await round();
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 4; i++) await round();
      gc();
      const growth = process.memoryUsage().heapUsed - before;
      expect(growth).toBeLessThan(8 * 1024 * 1024);
    });

    it("hands tiny tasks to a worker many at a time, and long ones at most two at a time", async () => {
      const executor = pool({ maxWorkers: 1 });
      const peak = (futures: Future<unknown>[]) => {
        let most = 0;
        for (const f of futures) f.addDoneCallback(() => (most = Math.max(most, executor.stats().running)));
        return Promise.all(futures).then(() => most);
      };
      // tiny: the window grows past a few tasks per message
      expect(await peak(Array.from({ length: 5000 }, (_, i) => executor.submit(square, i)))).toBeGreaterThanOrEqual(8);
      // a task() handle made anew for each submit ramps up with the others of its function
      const fresh = Array.from({ length: 5000 }, (_, i) => executor.submit(task<typeof T.square>(tasks, "square"), i));
      expect(await peak(fresh)).toBeGreaterThanOrEqual(8);
      // long (3 ms each, over the 2 ms a worker holds ahead): the rest wait in the pool's queue
      const long = Array.from({ length: 6 }, () => executor.submit(spin, 3));
      expect(await peak(long)).toBeLessThanOrEqual(2);
      expect(await Promise.all(long)).toEqual([3, 3, 3, 3, 3, 3]);
    });

    it("reports statistics", async () => {
      const executor = pool({ maxWorkers: 2 });
      await Promise.all(Array.from({ length: 10 }, (_, i) => executor.submit(square, i)));
      await executor.submit(fail, "x").exception();
      const stats = executor.stats();
      expect(stats).toMatchObject({ completed: 10, failed: 1, queued: 0, running: 0 });
      expect(stats.perWorker.reduce((n, w) => n + w.completed + w.failed, 0)).toBe(11);
      expect(stats.utilization).toBeGreaterThan(0);
      expect(stats.utilization).toBeLessThanOrEqual(1);
    });

    it.each([
      [{ maxWorkers: 0 }, RangeError, "maxWorkers must be an integer ≥ 1, got 0"],
      [{ maxWorkers: -1 }, RangeError, "got -1"],
      [{ maxWorkers: 1.5 }, RangeError, "got 1.5"],
      [{ maxWorkers: Number.NaN }, RangeError, "got NaN"],
      [{ maxWorkers: "4" }, TypeError, "maxWorkers must be a number, got string 4"],
      [{ maxWorkers: 2, minWorkers: 3 }, RangeError, "minWorkers (3) must not exceed maxWorkers (2)"],
      [{ maxQueue: 0 }, RangeError, "maxQueue"],
      [{ maxTasksPerWorker: 0.5 }, RangeError, "maxTasksPerWorker"],
      [{ idleTimeout: -1 }, RangeError, "idleTimeout"],
      [{ lingerMs: -1 }, RangeError, "lingerMs"],
      [{ lingerMs: "1" }, TypeError, "lingerMs"],
      [{ lingerMs: Number.POSITIVE_INFINITY }, RangeError, "lingerMs must be finite"],
      [{ initializer: () => 1 }, TypeError, "initializer must be a task"],
      [{ initArgs: "x" }, TypeError, "initArgs must be an array"],
    ])("rejects bad options %j", (options, Err, message) => {
      expect(() => new ThreadPoolExecutor(options as ThreadPoolExecutorOptions)).toThrow(Err);
      expect(() => new ThreadPoolExecutor(options as ThreadPoolExecutorOptions)).toThrow(message);
    });

    it("rejects a submit that is not a task, and bad per-call options", () => {
      const executor = pool({ maxWorkers: 1 });
      expect(() => executor.submit((() => 1) as never)).toThrow(/needs a task made with task\(\)/);
      expect(() => executor.submitWith(square, [1], { timeout: -5 })).toThrow(RangeError);
      expect(() => executor.submitWith(square, [1], { signal: {} as AbortSignal })).toThrow(TypeError);
      expect(() => executor.submitWith(square, 1 as never)).toThrow("args must be an array");
    });
  });

  describe("a task that ignores its signal (issue 12)", () => {
    it("after its abort, its thread is terminated once cancelGraceMs have passed and replaced; shutdown resolves", async () => {
      const executor = pool({ maxWorkers: 1, cancelGraceMs: 50 });
      const first = await executor.submit(whoAmI);
      const l = latch();
      const controller = new AbortController();
      const f = executor.submitWith(spinForever, [l, 0], { signal: controller.signal });
      await started(l, 0);
      controller.abort(new CancelledError("stop"));
      expect(await f.exception()).toBeInstanceOf(CancelledError); // at once, as before
      const next = await executor.submit(whoAmI); // waited for ever behind the spinning thread
      expect(next).not.toBe(first);
      await executor.shutdown();
      expect(executor.stats().workers).toBe(0);
      expect(executor.broken).toBeUndefined();
    }); // the suite's 60 s: a loaded machine can take seconds to start the replacement worker

    it("shutdown({ timeout }) stops running tasks hard (CancelledError) and cancels queued ones", async () => {
      const executor = pool({ maxWorkers: 2, cancelGraceMs: Number.POSITIVE_INFINITY });
      const l = latch();
      const spinning = executor.submit(spinForever, l, 0);
      const waiting = executor.submit(stuck, l, 1);
      await started(l, 0);
      await started(l, 1);
      const queued = executor.submit(square, 3); // both threads are busy
      await executor.shutdown({ timeout: 50 }); // never resolved
      for (const f of [spinning, waiting]) {
        const error = await f.exception();
        expect(error).toBeInstanceOf(CancelledError);
        expect((error as Error).message).toMatch(/shutdown deadline \(50 ms\)/);
      }
      expect(queued.cancelled()).toBe(true);
      expect(executor.stats().workers).toBe(0);
      expect(executor.broken).toBeUndefined();
    }); // the suite's 60 s: a loaded machine can take seconds to start the replacement worker

    it("Node exits once the stuck task's future failed and the pool shut down", () => {
      const script = fileURLToPath(new URL("./testdata/stuck_task_exits.mjs", import.meta.url));
      const r = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("timed out: TimeoutError\nshut down\n");
      expect(r.status).toBe(0);
    });

    it("validates cancelGraceMs and shutdown's timeout", async () => {
      expect(() => new ThreadPoolExecutor({ cancelGraceMs: -1 })).toThrow(RangeError);
      expect(() => new ThreadPoolExecutor({ cancelGraceMs: "1" as unknown as number })).toThrow(TypeError);
      const executor = pool({ maxWorkers: 1 });
      await expect(executor.shutdown({ timeout: -5 })).rejects.toThrow(RangeError);
      expect(executor.isShutdown).toBe(false);
    });
  });
});
