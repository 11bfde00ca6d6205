import { CancelledError, InvalidStateError, TimeoutError } from "@cc/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTask, shield, sleep, Timeout, timeout, timeoutAt, waitFor } from "./mod.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("timeout()", () => {
  it("resolves with fn's result in time and leaves no timer", async () => {
    const p = timeout(100, (signal) => sleep(10, { signal, value: "ok" }));
    await vi.advanceTimersByTimeAsync(10);
    await expect(p).resolves.toBe("ok");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects with TimeoutError at the deadline and aborts fn's signal", async () => {
    let seen!: AbortSignal;
    const p = timeout(50, (signal) => {
      seen = signal;
      return sleep(60_000, { signal });
    });
    const check = expect(p).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(50);
    await check;
    expect(seen.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not fire early for ms above 2^31 - 1", async () => {
    let settled = false;
    const p = timeout(2 ** 31 + 10, (signal) => sleep(Number.POSITIVE_INFINITY, { signal })).catch((e: unknown) => {
      settled = true;
      return e;
    });
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(await p).toBeInstanceOf(TimeoutError);
  });

  it("treats a negative ms as 0", async () => {
    const p = timeout(-1, (signal) => sleep(10, { signal }));
    const check = expect(p).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(0);
    await check;
  });

  it("rejects with the outer signal's reason, not TimeoutError", async () => {
    const c = new AbortController();
    const p = timeout(1000, (signal) => sleep(60_000, { signal }), { signal: c.signal });
    c.abort(new Error("outer"));
    await expect(p).rejects.toThrow("outer");
  });

  it("rejects bad ms with the value quoted", () => {
    expect(() => timeout("5" as never, async () => 1)).toThrow('"5"');
    expect(() => timeout(Number.NaN, async () => 1)).toThrow(RangeError);
  });
});

describe("Timeout / timeoutAt()", () => {
  it("reschedule() moves the deadline", async () => {
    using t = new Timeout(Date.now() + 10);
    t.reschedule(Date.now() + 100);
    await vi.advanceTimersByTimeAsync(50);
    expect(t.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    expect(t.expired()).toBe(true);
    expect(t.signal.reason).toBeInstanceOf(TimeoutError);
    expect(() => t.reschedule(null)).toThrow(InvalidStateError);
  });

  it("null means no deadline, until rescheduled", async () => {
    using t = new Timeout(null);
    expect(t.when()).toBeNull();
    await vi.advanceTimersByTimeAsync(1e6);
    expect(t.signal.aborted).toBe(false);
  });

  it("timeoutAt() uses a Date.now() deadline", async () => {
    const p = timeoutAt(Date.now() + 30, (signal) => sleep(60_000, { signal }));
    const check = expect(p).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(30);
    await check;
  });
});

describe("waitFor()", () => {
  it("cancels the task and rejects with TimeoutError", async () => {
    const t = createTask((signal) => sleep(60_000, { signal }));
    const p = waitFor(t, 20);
    const check = expect(p).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(20);
    await check;
    await expect(t).rejects.toBeInstanceOf(CancelledError);
  });

  it("keeps a shielded task running", async () => {
    const t = createTask(() => sleep(50, { value: "done" }));
    const check = expect(waitFor(shield(t), 20)).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(20);
    await check;
    await vi.advanceTimersByTimeAsync(30);
    await expect(t).resolves.toBe("done");
  });

  it("gives a function a signal that aborts at the timeout", async () => {
    let seen!: AbortSignal;
    const check = expect(
      waitFor((signal) => {
        seen = signal;
        return sleep(60_000, { signal });
      }, 5),
    ).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(5);
    await check;
    expect(seen.aborted).toBe(true);
  });

  it("resolves in time and waits forever with null", async () => {
    const p = waitFor(sleep(10, { value: 3 }), null);
    await vi.advanceTimersByTimeAsync(10);
    await expect(p).resolves.toBe(3);
  });
});
