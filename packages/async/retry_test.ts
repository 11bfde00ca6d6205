import { CancelledError } from "@cc/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { retry } from "./mod.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("retry()", () => {
  it("backs off exponentially up to maxDelay, then succeeds", async () => {
    const times: number[] = [];
    const start = Date.now();
    const p = retry(
      async (_signal, attempt) => {
        times.push(Date.now() - start);
        if (attempt < 4) throw new Error("flaky");
        return "ok";
      },
      { minDelay: 100, factor: 2, maxDelay: 300, jitter: 0 },
    );
    await vi.advanceTimersByTimeAsync(100 + 200 + 300 + 300);
    await expect(p).resolves.toBe("ok");
    expect(times).toEqual([0, 100, 300, 600, 900]);
  });

  it("rejects with the last error once retries run out", async () => {
    let calls = 0;
    const p = retry(
      async () => {
        throw new Error(`fail ${++calls}`);
      },
      { retries: 2, minDelay: 10, jitter: 0 },
    );
    const check = expect(p).rejects.toThrow("fail 3");
    await vi.advanceTimersByTimeAsync(10 + 20);
    await check;
    expect(calls).toBe(3);
  });

  it("keeps jittered delays within [delay * (1 - jitter), delay]", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const times: number[] = [];
    const start = Date.now();
    const p = retry(
      async (_s, attempt) => {
        times.push(Date.now() - start);
        if (attempt === 0) throw new Error("x");
      },
      { minDelay: 100, jitter: 1 },
    );
    await vi.advanceTimersByTimeAsync(50);
    await p;
    expect(times).toEqual([0, 50]);
    vi.restoreAllMocks();
  });

  it("stops when shouldRetry says no, and never retries a cancellation by default", async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new TypeError("fatal");
        },
        { shouldRetry: (e) => !(e instanceof TypeError) },
      ),
    ).rejects.toThrow("fatal");
    expect(calls).toBe(1);
    await expect(
      retry(async () => {
        throw new CancelledError();
      }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it("ends a pending backoff when the signal aborts", async () => {
    const c = new AbortController();
    const p = retry(
      async () => {
        throw new Error("x");
      },
      { signal: c.signal, minDelay: 10_000 },
    );
    await vi.advanceTimersByTimeAsync(1);
    c.abort(new Error("stopped"));
    await expect(p).rejects.toThrow("stopped");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects bad options with the value quoted", async () => {
    await expect(retry(async () => 1, { retries: -1 })).rejects.toThrow(RangeError);
    await expect(retry(async () => 1, { jitter: 2 })).rejects.toThrow("received 2");
    await expect(retry(async () => 1, { minDelay: "5" as never })).rejects.toThrow('"5"');
  });
});
