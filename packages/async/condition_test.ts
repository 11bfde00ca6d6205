import { describe, expect, it } from "vitest";
import { deferred } from "./_util.ts";
import { Condition } from "./mod.ts";

/** Lets pending promise reactions run (a handful of microtask turns). */
async function ticks(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe("Condition cancellation (asyncio's test_locks.py, ConditionTests)", () => {
  // test_wait_cancel_after_notify (bpo-32841) and test_cancelled_error_wakeup: a cancellation that arrives
  // after notify(), while the waiter takes the lock back, is raised (here: the signal's own reason) once
  // the lock is held again.
  it.each([
    ["at once after notify()", 0],
    ["while the woken waiter takes the lock back", 5],
  ])("wait() rejects with the reason of an abort that arrives %s", async (_, yields) => {
    const cond = new Condition();
    const c = new AbortController();
    const reason = new Error("foo");
    let waited = false;
    let lockedOnReject: boolean | undefined;
    const waiter = cond.runExclusive(async () => {
      waited = true;
      try {
        await cond.wait({ signal: c.signal });
      } catch (error) {
        lockedOnReject = cond.locked();
        throw error;
      }
    });
    await cond.acquire(); // granted only once the waiter released the lock in wait()
    cond.notify();
    await ticks(yields);
    c.abort(reason);
    cond.release();
    await expect(waiter).rejects.toBe(reason);
    expect(waited).toBe(true);
    expect(lockedOnReject).toBe(true);
    expect(cond.locked()).toBe(false);
  });

  // The same through waitFor(), as test_cancelled_error_wakeup does it: the very reason comes out.
  it("waitFor() rejects with the reason of an abort that arrives after notify()", async () => {
    const cond = new Condition();
    const c = new AbortController();
    const reason = new Error("foo");
    let wake = false;
    const waiter = cond.runExclusive(() => cond.waitFor(() => wake, { signal: c.signal }));
    await cond.acquire();
    wake = true;
    cond.notify();
    await ticks();
    c.abort(reason);
    cond.release();
    await expect(waiter).rejects.toBe(reason);
  });

  // test_cancelled_wakeup and test_cancelled_wakeup_relock: the notification a cancelled waiter received
  // is not lost: it wakes the next waiter, which consumes the item.
  it.each([
    ["at once after notify()", 0],
    ["while the woken waiter takes the lock back", 5],
  ])("passes the notification of a waiter aborted %s on to the next waiter", async (_, yields) => {
    const cond = new Condition();
    let state = 0;
    const consumedBy: number[] = [];
    const consumed = deferred<void>();
    const controllers = [new AbortController(), new AbortController()];
    const consumer = (id: number) =>
      cond.runExclusive(async () => {
        for (;;) {
          await cond.waitFor(() => state !== 0, { signal: controllers[id]?.signal });
          if (state < 0) return;
          state--;
          consumedBy.push(id);
          consumed.resolve();
        }
      });
    const consumers = [consumer(0), consumer(1)];
    const first = consumers[0]?.catch((e: unknown) => e);
    await cond.acquire(); // both consumers are waiting now (FIFO lock)
    state++;
    cond.notify(1); // wakes consumer 0
    await ticks(yields);
    controllers[0]?.abort(new Error("consumer 0 cancelled"));
    cond.release();
    await consumed.promise;
    expect(await first).toHaveProperty("message", "consumer 0 cancelled");
    expect(consumedBy).toEqual([1]);
    expect(state).toBe(0);
    await cond.runExclusive(() => {
      state = -1;
      cond.notifyAll();
    });
    await consumers[1];
  });

  it("an abort after wait() returned changes nothing", async () => {
    const cond = new Condition();
    const c = new AbortController();
    const waiter = cond.runExclusive(async () => {
      const ok = await cond.wait({ signal: c.signal });
      c.abort();
      return ok;
    });
    await cond.runExclusive(() => cond.notify());
    await expect(waiter).resolves.toBe(true);
  });
});
