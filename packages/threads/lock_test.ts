import { InvalidStateError, SHAREABLE, TimeoutError } from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Event } from "./event.ts";
import { Lock } from "./lock.ts";
import { share, spawn, terminateAll } from "./testdata/workers.ts";

afterEach(async () => {
  vi.useRealTimers();
  await terminateAll();
});

describe("Lock", () => {
  it("tryAcquire() takes a free lock once and release() frees it", () => {
    const lock = new Lock();
    expect(lock.tryAcquire()).toBe(true);
    expect(lock.tryAcquire()).toBe(false);
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(lock.locked()).toBe(false);
  });

  it("release() of an unlocked lock throws InvalidStateError", () => {
    expect(() => new Lock().release()).toThrow(InvalidStateError);
  });

  it("acquire() waits for a release() on the same thread", async () => {
    const lock = new Lock();
    await lock.acquire();
    let acquired = false;
    const second = lock.acquire().then((ok) => (acquired = ok));
    await Promise.resolve();
    expect(acquired).toBe(false);
    lock.release();
    expect(await second).toBe(true);
    expect(lock.locked()).toBe(true);
  });

  it("acquire({ timeout }) resolves false when the timeout passes first (fake timers)", async () => {
    vi.useFakeTimers();
    const lock = new Lock();
    lock.tryAcquire();
    const attempt = lock.acquire({ timeout: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await attempt).toBe(false);
    expect(lock.locked()).toBe(true);
    // The abandoned sleeper must not swallow the next wake-up.
    const next = lock.acquire();
    lock.release();
    expect(await next).toBe(true);
  });

  it("acquire({ timeout: 0 }) and a negative timeout just try", async () => {
    const lock = new Lock();
    expect(await lock.acquire({ timeout: 0 })).toBe(true);
    expect(await lock.acquire({ timeout: -5 })).toBe(false);
  });

  it("acquire({ signal }) rejects with the signal's reason, before and while waiting", async () => {
    const lock = new Lock();
    lock.tryAcquire();
    const before = new AbortController();
    before.abort(new Error("before"));
    await expect(lock.acquire({ signal: before.signal })).rejects.toThrow("before");
    const during = new AbortController();
    const attempt = lock.acquire({ signal: during.signal });
    during.abort(new Error("during"));
    await expect(attempt).rejects.toThrow("during");
    // A wake-up taken by the abandoned sleeper is passed on to the next waiter.
    const next = lock.acquire();
    lock.release();
    expect(await next).toBe(true);
  });

  it("acquire() leaves no abort listener on a long-lived signal", async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, "addEventListener");
    const remove = vi.spyOn(controller.signal, "removeEventListener");
    const lock = new Lock();
    lock.tryAcquire();
    const waits = [lock.acquire({ signal: controller.signal }), lock.acquire({ signal: controller.signal })];
    lock.release();
    await waits[0];
    lock.release();
    await waits[1];
    expect(remove.mock.calls.length).toBe(add.mock.calls.length);
  });

  it("rejects a bad timeout with TypeError or RangeError quoting it", async () => {
    const lock = new Lock();
    await expect(lock.acquire({ timeout: "5" as never })).rejects.toThrow(TypeError);
    await expect(lock.acquire({ timeout: "5" as never })).rejects.toThrow('"5"');
    await expect(lock.acquire({ timeout: Number.NaN })).rejects.toThrow(RangeError);
  });

  it("acquireSync() and holdSync() throw InvalidStateError on the main thread", () => {
    const lock = new Lock();
    expect(() => lock.acquireSync()).toThrow(InvalidStateError);
    expect(() => lock.acquireSync()).toThrow("main thread");
    expect(() => lock.holdSync()).toThrow(InvalidStateError);
    expect(lock.locked()).toBe(false);
  });

  it("hold() releases on dispose, once, and throws TimeoutError on timeout", async () => {
    const lock = new Lock();
    {
      await using held = await lock.hold();
      expect(lock.locked()).toBe(true);
      await expect(lock.hold({ timeout: 0 })).rejects.toThrow(TimeoutError);
      held[Symbol.dispose]();
      expect(lock.locked()).toBe(false);
      lock.tryAcquire();
    }
    // the second disposal by `await using` did not release the lock again
    expect(lock.locked()).toBe(true);
  });

  it("fromShared(structuredClone(state)) shares the memory", () => {
    const lock = new Lock();
    const handle = lock[SHAREABLE]();
    expect(handle.name).toBe("Lock");
    expect(handle.url).toMatch(/lock\.(ts|js)$/);
    const copy = Lock.fromShared(structuredClone(handle.state));
    expect(copy).toBeInstanceOf(Lock);
    expect(copy.tryAcquire()).toBe(true);
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(copy.locked()).toBe(false);
  });

  it("fromShared() rejects a state that is not shared cells with TypeError", () => {
    expect(() => Lock.fromShared({ cells: new Int32Array(1) })).toThrow(TypeError);
    expect(() => Lock.fromShared(null)).toThrow("received null");
  });
});

describe("Lock across worker threads", () => {
  const WORKERS = 4;
  const ITERATIONS = 20_000;

  async function count(lock: Lock | null, mode: "sync" | "async"): Promise<number> {
    const counter = new Int32Array(new SharedArrayBuffer(8));
    const start = new Event();
    const workers = Array.from({ length: WORKERS }, () =>
      spawn("counter.mjs", {
        lock: lock === null ? null : share(lock),
        start: share(start),
        counter,
        iterations: ITERATIONS,
        mode,
      }),
    );
    for (const w of workers) expect(await w.next()).toBe("ready");
    start.set();
    for (const w of workers) expect(await w.next()).toBe("done");
    return counter[0]!;
  }

  it("acquireSync() makes a read-yield-write counter exact across 4 workers", async () => {
    expect(await count(new Lock(), "sync")).toBe(WORKERS * ITERATIONS);
  });

  it("acquire() in workers makes the counter exact and keeps each worker alive while it waits", async () => {
    expect(await count(new Lock(), "async")).toBe(WORKERS * ITERATIONS);
  });

  it("an awaited acquire() on the main thread does not block the event loop", async () => {
    const lock = new Lock();
    const release = new Event();
    const holder = spawn("hold.mjs", { primitive: share(lock), release: share(release) });
    expect(await holder.next()).toBe("held");
    const order: string[] = [];
    const acquired = lock.acquire().then(() => order.push("acquired"));
    setTimeout(() => {
      order.push("timer");
      release.set();
    }, 0);
    await acquired;
    expect(order).toEqual(["timer", "acquired"]);
    expect(await holder.next()).toBe("released");
    lock.release();
  });

  it("acquire({ timeout }) returns false while a worker holds the lock", async () => {
    const lock = new Lock();
    const release = new Event();
    const holder = spawn("hold.mjs", { primitive: share(lock), release: share(release) });
    expect(await holder.next()).toBe("held");
    expect(await lock.acquire({ timeout: 20 })).toBe(false);
    release.set();
    expect(await holder.next()).toBe("released");
    expect(await lock.acquire({ timeout: 5000 })).toBe(true);
  });

  it("acquireSync({ timeout }) in a worker returns false while the main thread holds the lock", async () => {
    const lock = new Lock();
    lock.tryAcquire();
    const caller = spawn("call.mjs", { primitive: share(lock), method: "acquireSync", args: [{ timeout: 20 }] });
    expect(await caller.next()).toEqual({ result: false });
  });
});
