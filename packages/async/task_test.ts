import { CancelledError, InvalidStateError } from "@cc/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTask, sleep } from "./mod.ts";

describe("createTask()", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is awaitable and reports its result", async () => {
    const t = createTask(async () => 42);
    expect(t.done()).toBe(false);
    expect(() => t.result()).toThrow(InvalidStateError);
    await expect(t).resolves.toBe(42);
    expect(t.done() && !t.cancelled()).toBe(true);
    expect(t.result()).toBe(42);
    expect(t.exception()).toBeUndefined();
  });

  it("cancels a sleeping task: the signal aborts and awaiting throws CancelledError", async () => {
    let seen: AbortSignal | undefined;
    const t = createTask((signal) => {
      seen = signal;
      return sleep(60_000, { signal });
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(t.cancel("enough")).toBe(true);
    expect(seen?.aborted).toBe(true);
    const err = await t.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).message).toBe("enough");
    expect(t.cancelled()).toBe(true);
    expect(() => t.result()).toThrow(CancelledError);
    expect(t.cancel()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("never runs a task cancelled before it started", async () => {
    const fn = vi.fn(async () => 1);
    const t = createTask(fn);
    t.cancel();
    await expect(t).rejects.toBeInstanceOf(CancelledError);
    expect(fn).not.toHaveBeenCalled();
  });

  it("keeps the result if the function returns a value despite the cancel (as a coroutine that catches it)", async () => {
    const t = createTask(async (signal) => {
      await sleep(10, { signal }).catch(() => {});
      return "kept";
    });
    await vi.advanceTimersByTimeAsync(1);
    t.cancel();
    await expect(t).resolves.toBe("kept");
    expect(t.cancelled()).toBe(false);
  });

  it("reports the function's error and does not cause an unhandled rejection when never awaited", async () => {
    const boom = new Error("boom");
    const t = createTask(async () => {
      throw boom;
    });
    const cb = vi.fn();
    t.addDoneCallback(cb);
    await vi.advanceTimersByTimeAsync(0);
    expect(cb).toHaveBeenCalledWith(t);
    expect(t.exception()).toBe(boom);
    expect(() => t.result()).toThrow(boom);
  });

  it("is cancelled by its parent signal", async () => {
    const parent = new AbortController();
    const t = createTask((signal) => sleep(1000, { signal }), { signal: parent.signal });
    await vi.advanceTimersByTimeAsync(1);
    parent.abort();
    await expect(t).rejects.toBeInstanceOf(CancelledError);
  });

  it("rejects a non-function with the value quoted", () => {
    expect(() => createTask(42 as never)).toThrow(TypeError);
    expect(() => createTask(42 as never)).toThrow("42");
  });
});
