import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sleep } from "./mod.ts";

describe("sleep()", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("resolves to the given value after ms", async () => {
    let done = false;
    const p = sleep(100, { value: "v" }).then((v) => {
      done = true;
      return v;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(p).resolves.toBe("v");
  });

  it("does not fire early for delays above 2^31 - 1 ms", async () => {
    let done = false;
    const ms = 2 ** 31 + 1000;
    sleep(ms).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    expect(done).toBe(true);
  });

  it("treats negative ms as 0", async () => {
    const p = sleep(-5, { value: 1 });
    await vi.advanceTimersByTimeAsync(0);
    await expect(p).resolves.toBe(1);
  });

  it("rejects with the signal's reason when aborted mid-way, and clears its timer", async () => {
    const c = new AbortController();
    const p = sleep(1000, { signal: c.signal });
    c.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects at once for an already aborted signal", async () => {
    await expect(sleep(10, { signal: AbortSignal.abort() })).rejects.toHaveProperty("name", "AbortError");
  });

  it("rejects bad ms with the value quoted", () => {
    expect(() => sleep("10" as never)).toThrow(TypeError);
    expect(() => sleep("10" as never)).toThrow('"10"');
    expect(() => sleep(Number.NaN)).toThrow(RangeError);
  });
});
