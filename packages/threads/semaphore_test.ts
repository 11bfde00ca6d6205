import { SHAREABLE, TimeoutError } from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Event } from "./event.ts";
import { BoundedSemaphore, Semaphore } from "./semaphore.ts";
import { share, spawn, terminateAll } from "./testdata/workers.ts";

afterEach(async () => {
  vi.useRealTimers();
  await terminateAll();
});

describe("Semaphore", () => {
  it("counts units down with acquire() and up with release(n)", async () => {
    const semaphore = new Semaphore(2);
    expect(await semaphore.acquire()).toBe(true);
    expect(semaphore.tryAcquire()).toBe(true);
    expect(semaphore.tryAcquire()).toBe(false);
    semaphore.release(2);
    expect(semaphore.value).toBe(2);
    expect(new Semaphore().value).toBe(1);
  });

  it("acquire() waits for release() and wakes as many waiters as units released", async () => {
    const semaphore = new Semaphore(0);
    const waits = [semaphore.acquire(), semaphore.acquire(), semaphore.acquire()];
    semaphore.release(2);
    expect(await Promise.all(waits.slice(0, 2))).toEqual([true, true]);
    semaphore.release();
    expect(await waits[2]).toBe(true);
    expect(semaphore.value).toBe(0);
  });

  it("acquire({ timeout }) resolves false and hold() throws TimeoutError (fake timers)", async () => {
    vi.useFakeTimers();
    const semaphore = new Semaphore(0);
    const attempt = semaphore.acquire({ timeout: 100 });
    const held = semaphore.hold({ timeout: 100 });
    const heldResult = expect(held).rejects.toThrow(TimeoutError);
    await vi.advanceTimersByTimeAsync(100);
    expect(await attempt).toBe(false);
    await heldResult;
  });

  it("new Semaphore() rejects bad values, quoting them", () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(-1)).toThrow("received -1");
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
    expect(() => new Semaphore(Number.NaN)).toThrow(RangeError);
    expect(() => new Semaphore("3" as never)).toThrow(TypeError);
    expect(() => new Semaphore("3" as never)).toThrow('"3"');
    expect(() => new Semaphore(1).release(0)).toThrow(RangeError);
  });

  it("BoundedSemaphore.release() above the initial value throws RangeError", () => {
    const bounded = new BoundedSemaphore(2);
    expect(() => bounded.release()).toThrow(RangeError);
    bounded.tryAcquire();
    expect(() => bounded.release(2)).toThrow(RangeError);
    bounded.release();
    expect(bounded.value).toBe(2);
    expect(bounded).toBeInstanceOf(Semaphore);
  });

  it("fromShared(structuredClone(state)) shares the counter and keeps the bound", () => {
    const bounded = new BoundedSemaphore(1);
    const handle = bounded[SHAREABLE]();
    expect(handle.name).toBe("BoundedSemaphore");
    const copy = BoundedSemaphore.fromShared(structuredClone(handle.state));
    expect(copy).toBeInstanceOf(BoundedSemaphore);
    expect(copy.tryAcquire()).toBe(true);
    expect(bounded.value).toBe(0);
    copy.release();
    expect(() => bounded.release()).toThrow(RangeError);
    expect(new Semaphore(3)[SHAREABLE]().name).toBe("Semaphore");
  });

  it("limits concurrency across 4 workers to its value", async () => {
    const semaphore = new Semaphore(2);
    const stats = new Int32Array(new SharedArrayBuffer(12));
    const start = new Event();
    const workers = Array.from({ length: 4 }, () =>
      spawn("semaphore_worker.mjs", { semaphore: share(semaphore), start: share(start), stats, iterations: 500 }),
    );
    for (const w of workers) expect(await w.next()).toBe("ready");
    start.set();
    for (const w of workers) expect(await w.next()).toBe("done");
    expect(stats[1]).toBeGreaterThanOrEqual(1);
    expect(stats[1]).toBeLessThanOrEqual(2);
    expect(stats[0]).toBe(0);
    expect(semaphore.value).toBe(2);
  });

  it("a worker's release() wakes the main thread's acquire()", async () => {
    const semaphore = new Semaphore(0);
    const waiting = semaphore.acquire();
    spawn("call.mjs", { primitive: share(semaphore), method: "release" });
    expect(await waiting).toBe(true);
  });
});
