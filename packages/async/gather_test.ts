import { CancelledError, TimeoutError } from "@cc/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { asCompleted, createTask, gather, shield, sleep, wait } from "./mod.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("gather()", () => {
  it("resolves to results in the given order, not completion order", async () => {
    const p = gather([sleep(30, { value: "a" }), sleep(10, { value: 2 }), createTask(async () => true)]);
    await vi.advanceTimersByTimeAsync(30);
    await expect(p).resolves.toEqual(["a", 2, true]);
  });

  it("rejects with the first error and leaves the others running (asyncio)", async () => {
    const slow = createTask((signal) => sleep(100, { signal, value: "still ran" }));
    const p = gather([slow, sleep(10).then(() => Promise.reject(new Error("first")))]);
    const settled = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(((await settled) as Error).message).toBe("first");
    expect(slow.done()).toBe(false);
    await vi.advanceTimersByTimeAsync(90);
    await expect(slow).resolves.toBe("still ran");
  });

  it("puts errors in place with returnExceptions, cancellations as CancelledError", async () => {
    const cancelled = createTask((signal) => sleep(100, { signal }));
    cancelled.cancel();
    const err = new Error("x");
    const r = await gather([Promise.resolve(1), Promise.reject(err), cancelled], { returnExceptions: true });
    expect(r[0]).toBe(1);
    expect(r[1]).toBe(err);
    expect(r[2]).toBeInstanceOf(CancelledError);
  });

  it("cancels its tasks when its signal aborts", async () => {
    const c = new AbortController();
    const t = createTask((signal) => sleep(100, { signal }));
    const p = gather([t], { signal: c.signal });
    c.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    await expect(t).rejects.toBeInstanceOf(CancelledError);
  });

  it("rejects a non-iterable with a TypeError", () => {
    expect(() => gather(5 as never)).toThrow(TypeError);
  });
});

describe("wait()", () => {
  it("returns on FIRST_COMPLETED with done and notDone holding the same objects", async () => {
    const fast = createTask(() => sleep(10, { value: 1 }));
    const slow = createTask((signal) => sleep(100, { signal }));
    const p = wait([fast, slow], { returnWhen: "FIRST_COMPLETED" });
    await vi.advanceTimersByTimeAsync(10);
    const { done, notDone } = await p;
    expect([...done]).toEqual([fast]);
    expect([...notDone]).toEqual([slow]);
    slow.cancel();
  });

  it("returns on FIRST_EXCEPTION when one fails", async () => {
    const bad = createTask(async () => {
      throw new Error("bad");
    });
    const slow = createTask((signal) => sleep(100, { signal }));
    const { done } = await wait([bad, slow], { returnWhen: "FIRST_EXCEPTION" });
    expect(done.has(bad)).toBe(true);
    expect(slow.done()).toBe(false);
    slow.cancel();
  });

  it("returns what is done at the timeout without cancelling anything", async () => {
    const slow = createTask((signal) => sleep(100, { signal }));
    const p = wait([slow], { timeout: 50 });
    await vi.advanceTimersByTimeAsync(50);
    const { done, notDone } = await p;
    expect(done.size).toBe(0);
    expect(notDone.has(slow)).toBe(true);
    expect(slow.cancelling()).toBe(false);
    slow.cancel();
  });

  it("rejects an empty set and an unknown returnWhen", () => {
    expect(() => wait([])).toThrow(RangeError);
    expect(() => wait([Promise.resolve()], { returnWhen: "SOON" as never })).toThrow('"SOON"');
  });
});

describe("asCompleted()", () => {
  it("yields the tasks themselves (not their results) in completion order", async () => {
    const a = createTask(() => sleep(30, { value: "a" }));
    const b = createTask(() => sleep(10, { value: "b" }));
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const t of asCompleted([a, b])) seen.push(t);
    })();
    await vi.advanceTimersByTimeAsync(30);
    await loop;
    expect(seen).toEqual([b, a]);
    expect(seen[0]).toBe(b);
  });

  it("lets a failure surface only when the yielded item is awaited", async () => {
    const bad = Promise.reject(new Error("late"));
    bad.catch(() => {});
    const it = asCompleted([bad]);
    const first = await it.next();
    expect(first.done).toBe(false);
    await expect(first.value).rejects.toThrow("late");
    expect((await it.next()).done).toBe(true);
  });

  it("clears its timer when the loop breaks early", async () => {
    const a = createTask(() => sleep(1, { value: "a" }));
    const b = createTask((signal) => sleep(100, { signal }));
    let first: unknown;
    const loop = (async () => {
      for await (const t of asCompleted([a, b], { timeout: 1000 })) {
        first = t;
        break;
      }
    })();
    await vi.advanceTimersByTimeAsync(1);
    await loop;
    expect(first).toBe(a);
    b.cancel();
    await b.catch(() => {});
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects next() with TimeoutError after the timeout", async () => {
    const slow = createTask((signal) => sleep(100, { signal }));
    const it = asCompleted([slow], { timeout: 20 });
    const n = it.next();
    const check = expect(n).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(20);
    await check;
    slow.cancel();
  });
});

describe("shield()", () => {
  it("lets the outer side be cancelled while the inner task keeps running", async () => {
    const inner = createTask(() => sleep(10, { value: "inner" }));
    const outer = shield(inner);
    await vi.advanceTimersByTimeAsync(1);
    outer.cancel();
    await expect(outer).rejects.toBeInstanceOf(CancelledError);
    expect(inner.done()).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    await expect(inner).resolves.toBe("inner");
  });
});
