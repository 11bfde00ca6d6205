import { InvalidStateError, SHAREABLE } from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Condition } from "./condition.ts";
import { Lock } from "./lock.ts";
import { RLock } from "./rlock.ts";
import { share, spawn, terminateAll } from "./testdata/workers.ts";

afterEach(async () => {
  vi.useRealTimers();
  await terminateAll();
});

/** Resolves once `count` workers are inside wait (they count themselves under the lock). */
async function waitersReady(cond: Condition, waiting: Int32Array, count: number): Promise<void> {
  for (;;) {
    await using _ = await cond.hold();
    if (Atomics.load(waiting, 0) === count) return;
  }
}

describe("Condition", () => {
  it("uses a new RLock by default, or the lock given", () => {
    expect(new Condition().lock).toBeInstanceOf(RLock);
    const lock = new Lock();
    expect(new Condition(lock).lock).toBe(lock);
    expect(() => new Condition({} as never)).toThrow(TypeError);
  });

  it("wait() and notify() require the lock", async () => {
    const cond = new Condition(new Lock());
    await expect(cond.wait()).rejects.toThrow(InvalidStateError);
    expect(() => cond.notify()).toThrow(InvalidStateError);
    expect(() => cond.notifyAll()).toThrow(InvalidStateError);
    expect(() => cond.notify(-1)).toThrow(RangeError);
    expect(() => cond.notify("1" as never)).toThrow(TypeError);
  });

  it("wait({ timeout }) resolves false and holds the lock again (fake timers)", async () => {
    vi.useFakeTimers();
    const cond = new Condition(new Lock());
    await cond.acquire();
    const waiting = cond.wait({ timeout: 100 });
    expect(cond.lock.locked()).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(await waiting).toBe(false);
    expect(cond.lock.locked()).toBe(true);
  });

  it("wait({ signal }) rejects with the reason after taking the lock back", async () => {
    const cond = new Condition();
    await cond.acquire();
    await cond.acquire();
    const controller = new AbortController();
    const waiting = cond.wait({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    const rlock = cond.lock as RLock;
    expect(rlock.isOwned()).toBe(true);
    cond.release();
    cond.release();
    expect(rlock.locked()).toBe(false);
  });

  it("fromShared(structuredClone(state)) shares the condition and its lock", () => {
    const cond = new Condition(new Lock());
    const handle = cond[SHAREABLE]();
    expect(handle.name).toBe("Condition");
    const copy = Condition.fromShared(structuredClone(handle.state));
    expect(copy.lock).toBeInstanceOf(Lock);
    expect(copy.lock.tryAcquire()).toBe(true);
    expect(cond.lock.locked()).toBe(true);
    expect(() => Condition.fromShared({ cells: (handle.state as { cells: Int32Array }).cells })).toThrow(TypeError);
  });

  it("notify(1) wakes one worker and notifyAll() the rest", async () => {
    const cond = new Condition();
    const waiting = new Int32Array(new SharedArrayBuffer(8));
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const workers = Array.from({ length: 3 }, () =>
      spawn("condition_waiter.mjs", { condition: share(cond), waiting, shared }),
    );
    for (const w of workers) expect(await w.next()).toBe("waiting");
    await waitersReady(cond, waiting, 3);
    {
      await using _ = await cond.hold();
      shared[1] = 1;
      cond.notify(1);
    }
    const results = workers.map((w) => w.next());
    const first = await Promise.race(results.map((result, i) => result.then((m) => ({ i, m }))));
    expect(first.m).toEqual({ notified: true, phase: 1 });
    {
      await using _ = await cond.hold();
      expect(Atomics.load(waiting, 1)).toBe(1); // nobody else woke
      shared[1] = 2;
      cond.notifyAll();
    }
    const rest = await Promise.all(results.filter((_, i) => i !== first.i));
    expect(rest).toEqual([
      { notified: true, phase: 2 },
      { notified: true, phase: 2 },
    ]);
  });

  it("waitForSync() in workers returns once the main thread makes the predicate true", async () => {
    const cond = new Condition(new Lock());
    const waiting = new Int32Array(new SharedArrayBuffer(8));
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const workers = Array.from({ length: 2 }, () =>
      spawn("condition_waiter.mjs", { condition: share(cond), waiting, shared, target: 2 }),
    );
    for (const w of workers) expect(await w.next()).toBe("waiting");
    await waitersReady(cond, waiting, 2);
    for (const value of [1, 2]) {
      await using _ = await cond.hold();
      shared[0] = value;
      cond.notifyAll();
    }
    for (const w of workers) expect(await w.next()).toEqual({ notified: true, phase: 0 });
  });

  it("waitSync({ timeout }) in a worker returns false without a notify", async () => {
    const cond = new Condition();
    const waiting = new Int32Array(new SharedArrayBuffer(8));
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const worker = spawn("condition_waiter.mjs", { condition: share(cond), waiting, shared, options: { timeout: 20 } });
    expect(await worker.next()).toBe("waiting");
    expect(await worker.next()).toEqual({ notified: false, phase: 0 });
  });

  it("waitFor({ timeout }) returns the predicate's falsy value when nobody notifies", async () => {
    const cond = new Condition(new Lock());
    const state = new Int32Array(new SharedArrayBuffer(4));
    await using _ = await cond.hold();
    expect(await cond.waitFor(() => Atomics.load(state, 0), { timeout: 20 })).toBe(0);
    expect(cond.lock.locked()).toBe(true);
  });

  it("wait() on the main thread is woken by a worker's notify", async () => {
    const cond = new Condition(new Lock());
    await using _ = await cond.hold();
    const waiting = cond.wait();
    spawn("notify.mjs", { condition: share(cond) });
    expect(await waiting).toBe(true);
    expect(cond.lock.locked()).toBe(true);
  });
});
