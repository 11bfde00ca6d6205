import { AsyncLocalStorage } from "node:async_hooks";
import { getEventListeners, setMaxListeners } from "node:events";
import { CancelledError, InvalidStateError } from "@cc/core";
import { describe, expect, it, vi } from "vitest";
import { BoundedSemaphore, Condition, Lock, limit, Semaphore } from "./mod.ts";

// Settles all queued microtasks (enough rounds for the chains below).
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe("Semaphore", () => {
  it("hands permits out first-in first-out and does not let a newcomer barge in", async () => {
    const sem = new Semaphore(1);
    const first = await sem.acquire();
    const order: number[] = [];
    const waits = [1, 2, 3].map((i) =>
      sem.acquire().then((r) => {
        order.push(i);
        return r;
      }),
    );
    first.release();
    // a newcomer arriving while others wait must queue behind them
    expect(sem.tryAcquire()).toBe(false);
    for (const w of waits) (await w).release();
    expect(order).toEqual([1, 2, 3]);
    expect(sem.value).toBe(1);
  });

  it("never runs more than value functions at once, in call order", async () => {
    const sem = new Semaphore(3);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const jobs = Array.from({ length: 20 }, (_, i) =>
      sem.runExclusive(async () => {
        started.push(i);
        peak = Math.max(peak, ++active);
        await flush();
        active--;
        return i;
      }),
    );
    expect(await Promise.all(jobs)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(sem.value).toBe(3);
  });

  it("releases the permit when the function throws or rejects", async () => {
    const sem = new Semaphore(1);
    await expect(
      sem.runExclusive(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    await expect(sem.runExclusive(async () => Promise.reject(new Error("async")))).rejects.toThrow("async");
    expect(sem.value).toBe(1);
  });

  it("drops an aborted waiter from the queue, leaves no listener, and skips it", async () => {
    const sem = new Semaphore(1);
    const held = await sem.acquire();
    const c = new AbortController();
    const add = vi.spyOn(c.signal, "addEventListener");
    const aborted = sem.acquire({ signal: c.signal });
    const next = sem.acquire();
    expect(sem.waiting).toBe(2);
    c.abort(new Error("gave up"));
    await expect(aborted).rejects.toThrow("gave up");
    expect(sem.waiting).toBe(1);
    held.release();
    (await next).release();
    expect(sem.value).toBe(1);
    expect(add).toHaveBeenCalledTimes(1);
  });

  it("removes the abort listener once the permit is granted (10k waits on one signal)", async () => {
    const sem = new Semaphore(1);
    const c = new AbortController();
    setMaxListeners(0, c.signal);
    const jobs = Array.from({ length: 10_000 }, () => sem.runExclusive(async () => 1, { signal: c.signal }));
    expect(getEventListeners(c.signal, "abort").length).toBe(9_999);
    await Promise.all(jobs);
    expect(getEventListeners(c.signal, "abort").length).toBe(0);
  });

  it("rejects at once for an already aborted signal, even with a free permit", async () => {
    const sem = new Semaphore(1);
    await expect(sem.acquire({ signal: AbortSignal.abort() })).rejects.toHaveProperty("name", "AbortError");
    expect(sem.value).toBe(1);
  });

  it("takes a free permit without allocating: the same settled promise every time", () => {
    const sem = new Semaphore(3);
    const a = sem.acquire();
    expect(sem.acquire()).toBe(a);
    expect(sem.value).toBe(1);
  });

  it("works with using", async () => {
    const sem = new Semaphore(2);
    {
      using _p = await sem.acquire();
      expect(sem.value).toBe(1);
    }
    expect(sem.value).toBe(2);
  });

  it("rejects a bad value with the value quoted", () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow("1.5");
    expect(() => new Semaphore("2" as never)).toThrow(TypeError);
  });
});

describe("BoundedSemaphore", () => {
  it("throws when released above its initial value", async () => {
    const sem = new BoundedSemaphore(2);
    (await sem.acquire()).release();
    expect(() => sem.release()).toThrow(InvalidStateError);
  });
});

describe("Lock", () => {
  it("is fair and exclusive", async () => {
    const lock = new Lock();
    const order: string[] = [];
    const a = lock.runExclusive(async () => {
      order.push("a1");
      await flush();
      order.push("a2");
    });
    const b = lock.runExclusive(async () => {
      order.push("b1");
      await flush();
      order.push("b2");
    });
    const c = lock.runExclusive(() => order.push("c"));
    await Promise.all([a, b, c]);
    expect(order).toEqual(["a1", "a2", "b1", "b2", "c"]);
  });

  it("throws on releasing an unlocked lock", () => {
    expect(() => new Lock().release()).toThrow(InvalidStateError);
  });

  it("a waiting acquire can be cancelled", async () => {
    const lock = new Lock();
    const held = await lock.acquire();
    const c = new AbortController();
    const p = lock.acquire({ signal: c.signal });
    c.abort();
    await expect(p).rejects.toHaveProperty("name", "AbortError");
    held.release();
    expect(lock.locked()).toBe(false);
  });
});

// As limit() (p-limit's test.js, "propagates async execution context properly"): a queued runExclusive(fn)
// runs in its caller's async context, not in that of the code whose release() handed it the permit.
it("Semaphore, Lock and Condition run a queued runExclusive(fn) in its caller's async context", async () => {
  const store = new AsyncLocalStorage<string>();
  for (const sem of [new Semaphore(1), new Lock(), new Condition()]) {
    let release!: () => void;
    const first = store.run("A", () =>
      sem.runExclusive(() => {
        const seen = store.getStore();
        return new Promise<string | undefined>((resolve) => {
          release = () => resolve(seen);
        });
      }),
    );
    const second = store.run("B", () => sem.runExclusive(() => store.getStore()));
    await flush();
    store.run("C", () => release());
    expect(await Promise.all([first, second])).toEqual(["A", "B"]);
  }
});

describe("limit()", () => {
  it("limits concurrency, keeps order and passes arguments", async () => {
    const lim = limit(2);
    let active = 0;
    let peak = 0;
    const job = async (x: number, y: number) => {
      peak = Math.max(peak, ++active);
      await flush();
      active--;
      return x + y;
    };
    const ps = [1, 2, 3, 4, 5].map((x) => lim(job, x, 10));
    expect(lim.activeCount).toBe(2);
    expect(lim.pendingCount).toBe(3);
    expect(await Promise.all(ps)).toEqual([11, 12, 13, 14, 15]);
    expect(peak).toBe(2);
    expect(lim.activeCount + lim.pendingCount).toBe(0);
  });

  it("clearQueue() rejects the waiting calls with CancelledError and never runs them", async () => {
    const lim = limit(1);
    const fn = vi.fn(async () => 1);
    const running = lim(() => new Promise((r) => setTimeout(r, 0)));
    const queued = lim(fn);
    expect(lim.clearQueue()).toBe(1);
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    await running;
    expect(fn).not.toHaveBeenCalled();
  });

  it("rejects a bad concurrency with the value quoted", () => {
    expect(() => limit(0)).toThrow(RangeError);
    expect(() => limit(0)).toThrow("received 0");
    expect(() => limit("4" as never)).toThrow('"4"');
  });
});
