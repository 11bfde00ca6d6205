import { InvalidStateError } from "@cc/core";
import { describe, expect, it } from "vitest";
import { Barrier, BrokenBarrierError, Condition, Event } from "./mod.ts";

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe("Event", () => {
  it("wakes every waiter on set() and answers at once while set", async () => {
    const ev = new Event();
    let woken = 0;
    const waits = [ev.wait(), ev.wait(), ev.wait()].map((p) => p.then(() => woken++));
    await flush();
    expect(woken).toBe(0);
    ev.set();
    await Promise.all(waits);
    expect(woken).toBe(3);
    await expect(ev.wait()).resolves.toBe(true);
    ev.clear();
    expect(ev.isSet()).toBe(false);
  });

  it("abandons a wait when its signal aborts", async () => {
    const ev = new Event();
    const c = new AbortController();
    const p = ev.wait({ signal: c.signal });
    c.abort(new Error("no"));
    await expect(p).rejects.toThrow("no");
  });
});

describe("Condition", () => {
  it("wait() releases the lock and notify() wakes waiters FIFO", async () => {
    const cond = new Condition();
    const order: number[] = [];
    const waiter = (i: number) =>
      cond.runExclusive(async () => {
        await cond.wait();
        order.push(i);
      });
    const ws = [waiter(1), waiter(2), waiter(3)];
    await flush();
    expect(cond.locked()).toBe(false);
    await cond.runExclusive(() => cond.notify(2));
    await flush();
    expect(order).toEqual([1, 2]);
    await cond.runExclusive(() => cond.notifyAll());
    await Promise.all(ws);
    expect(order).toEqual([1, 2, 3]);
  });

  it("requires the lock for wait() and notify()", async () => {
    const cond = new Condition();
    await expect(cond.wait()).rejects.toBeInstanceOf(InvalidStateError);
    expect(() => cond.notify()).toThrow(InvalidStateError);
  });

  it("re-acquires the lock before rejecting an aborted wait", async () => {
    const cond = new Condition();
    const c = new AbortController();
    const p = cond.runExclusive(async () => {
      try {
        await cond.wait({ signal: c.signal });
      } catch (e) {
        expect(cond.locked()).toBe(true);
        throw e;
      }
    });
    await flush();
    c.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(cond.locked()).toBe(false);
  });
});

// An abort that arrives just after notify() is raised, and the notification passes to the next waiter
// (asyncio's test_wait_cancel_after_notify, test_cancelled_wakeup): see condition_test.ts.

describe("Barrier", () => {
  it("releases all parties together and can be reused", async () => {
    const b = new Barrier(2);
    let passed = false;
    const first = b.wait().then((i) => {
      passed = true;
      return i;
    });
    await flush();
    expect(passed).toBe(false);
    expect(b.nWaiting).toBe(1);
    const second = await b.wait();
    expect([await first, second].sort()).toEqual([0, 1]);
    const again = await Promise.all([b.wait(), b.wait()]);
    expect(again.sort()).toEqual([0, 1]);
  });

  it("abort() breaks it for waiters and later waits", async () => {
    const b = new Barrier(3);
    const w = b.wait();
    b.abort();
    await expect(w).rejects.toBeInstanceOf(BrokenBarrierError);
    await expect(b.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    b.reset();
    expect(b.broken).toBe(false);
  });

  it("rejects a bad parties count with the value quoted", () => {
    expect(() => new Barrier(0)).toThrow(RangeError);
    expect(() => new Barrier("3" as never)).toThrow('"3"');
  });
});
