import { describe, expect, it } from "vitest";
import { Barrier, BrokenBarrierError } from "./mod.ts";

// asyncio's test_locks.py BarrierTests. asyncio's Barrier has "draining" and "resetting" states because
// waking its waiters takes loop iterations; cc releases (or fails) all waiters at once, in one step, so
// both states last no time. These tests pin the observable behaviour those states exist for.
describe("Barrier (asyncio's test_locks.py, BarrierTests)", () => {
  // test_filling_tasks_wait_for_draining / test_draining_state: a task arriving right after the barrier
  // tripped waits for the next round instead of joining the round being released.
  it("a wait right after the barrier tripped belongs to the next round", async () => {
    const b = new Barrier(2);
    const first = [b.wait(), b.wait()];
    const late = b.wait();
    expect(b.nWaiting).toBe(1);
    expect((await Promise.all(first)).sort()).toEqual([0, 1]);
    let lateDone = false;
    late.then(() => (lateDone = true));
    await Promise.resolve();
    expect(lateDone).toBe(false);
    const last = b.wait();
    expect(await Promise.all([late, last])).toEqual([0, 1]);
    expect(b.nWaiting).toBe(0);
    expect(b.broken).toBe(false);
  });

  // test_reset_barrier_while_tasks_waiting / test_reset_barrier_when_tasks_half_draining: waiters get
  // BrokenBarrierError, the barrier is not left broken and fills again from empty.
  it("reset() fails the current waiters and the barrier is reusable at once", async () => {
    const b = new Barrier(3);
    const waiting = [b.wait(), b.wait()].map((p) => p.catch((e: unknown) => e));
    b.reset();
    for (const e of await Promise.all(waiting)) expect(e).toBeInstanceOf(BrokenBarrierError);
    expect([b.broken, b.nWaiting]).toEqual([false, 0]);
    expect((await Promise.all([b.wait(), b.wait(), b.wait()])).sort()).toEqual([0, 1, 2]);
  });

  // test_abort_barrier / test_abort_and_reset_barrier: abort() breaks it for good until reset().
  it("abort() breaks it for waiters and later waits until reset()", async () => {
    const b = new Barrier(2);
    const waiting = b.wait().catch((e: unknown) => e);
    b.abort();
    expect(await waiting).toBeInstanceOf(BrokenBarrierError);
    await expect(b.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    b.reset();
    expect((await Promise.all([b.wait(), b.wait()])).sort()).toEqual([0, 1]);
  });

  // A waiter that gives up (asyncio: a cancelled wait) leaves without breaking the barrier.
  it("an aborted wait leaves the round without breaking the barrier", async () => {
    const b = new Barrier(2);
    const c = new AbortController();
    const gaveUp = b.wait({ signal: c.signal }).catch((e: unknown) => e);
    c.abort(new Error("gave up"));
    expect(await gaveUp).toHaveProperty("message", "gave up");
    expect([b.broken, b.nWaiting]).toEqual([false, 0]);
    expect((await Promise.all([b.wait(), b.wait()])).sort()).toEqual([0, 1]);
  });
});
