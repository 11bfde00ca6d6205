import { afterEach, describe, expect, it, vi } from "vitest";
import { Future } from "./future.ts";
import {
  cancelledFuture,
  exceptionFuture,
  pendingFuture,
  runningFuture,
  successfulFuture,
} from "./testdata/futures.ts";
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from "./wait.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** Whether a promise has settled, without waiting for it. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe("wait()", () => {
  it("exports Python's return conditions as strings", () => {
    expect([FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED]).toEqual([
      "FIRST_COMPLETED",
      "FIRST_EXCEPTION",
      "ALL_COMPLETED",
    ]);
  });

  it("waits for a future given twice once (bpo-20369)", async () => {
    const future = runningFuture();
    const waiting = wait([future, future], { returnWhen: ALL_COMPLETED });
    future.setResult(2);
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([future]));
    expect(notDone).toEqual(new Set());
  });

  it("FIRST_COMPLETED returns when one future finishes", async () => {
    const future1 = runningFuture();
    const future2 = runningFuture();
    const waiting = wait([future1, future2], { returnWhen: FIRST_COMPLETED });
    expect(await isSettled(waiting)).toBe(false);
    future1.setResult(42);
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([future1]));
    expect(notDone).toEqual(new Set([future2]));
  });

  it("FIRST_COMPLETED returns at once when some are already done, cancelled ones included", async () => {
    const cancelled = cancelledFuture();
    const succeeded = successfulFuture();
    const running = runningFuture();
    const { done, notDone } = await wait([cancelled, succeeded, running], { returnWhen: FIRST_COMPLETED });
    expect(done).toEqual(new Set([cancelled, succeeded]));
    expect(notDone).toEqual(new Set([running]));
  });

  it("FIRST_COMPLETED returns when a future is cancelled while waiting", async () => {
    const queued = pendingFuture();
    const running = runningFuture();
    const waiting = wait([queued, running], { returnWhen: FIRST_COMPLETED });
    queued.cancel();
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([queued]));
    expect(notDone).toEqual(new Set([running]));
  });

  it("FIRST_EXCEPTION returns when a future raises, with those finished before it", async () => {
    const future1 = runningFuture();
    const future2 = runningFuture();
    const future3 = runningFuture();
    const waiting = wait([future1, future2, future3], { returnWhen: FIRST_EXCEPTION });
    future1.setResult(42);
    expect(await isSettled(waiting)).toBe(false);
    future2.setException(new Error("this is an exception"));
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([future1, future2]));
    expect(notDone).toEqual(new Set([future3]));
  });

  it("FIRST_EXCEPTION counts already-finished futures and a new exception", async () => {
    const succeeded = successfulFuture();
    const cancelled = cancelledFuture();
    const future1 = runningFuture();
    const future2 = runningFuture();
    const waiting = wait([succeeded, cancelled, future1, future2], { returnWhen: FIRST_EXCEPTION });
    future1.setException(new RangeError("division by zero"));
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([succeeded, cancelled, future1]));
    expect(notDone).toEqual(new Set([future2]));
  });

  it("FIRST_EXCEPTION returns at once when one has already failed", async () => {
    const failed = exceptionFuture();
    const running = runningFuture();
    const { done, notDone } = await wait([failed, running], { returnWhen: FIRST_EXCEPTION });
    expect(done).toEqual(new Set([failed]));
    expect(notDone).toEqual(new Set([running]));
  });

  it("FIRST_EXCEPTION falls back to ALL_COMPLETED when none raises", async () => {
    const futures = [runningFuture(), runningFuture(), pendingFuture()];
    const waiting = wait(futures, { returnWhen: FIRST_EXCEPTION });
    futures[0]!.setResult(1);
    futures[2]!.cancel();
    expect(await isSettled(waiting)).toBe(false);
    futures[1]!.setResult(2);
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set(futures));
    expect(notDone.size).toBe(0);
  });

  it("FIRST_EXCEPTION treats a rejection with undefined as an exception", async () => {
    const failed = new Future<number>();
    failed.setException(undefined);
    const running = runningFuture();
    const { done } = await wait([failed, running], { returnWhen: FIRST_EXCEPTION });
    expect(done).toEqual(new Set([failed]));
  });

  it("ALL_COMPLETED (the default) waits for every future", async () => {
    const future1 = runningFuture();
    const future2 = runningFuture();
    const all = [successfulFuture(), cancelledFuture(), exceptionFuture(), future1, future2];
    const waiting = wait(all);
    future1.setException(new RangeError("division by zero"));
    expect(await isSettled(waiting)).toBe(false);
    future2.setResult(42);
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set(all));
    expect(notDone).toEqual(new Set());
  });

  it("resolves at once with empty sets for no futures", async () => {
    await expect(wait([])).resolves.toEqual({ done: new Set(), notDone: new Set() });
  });

  it("returns what is done when the timeout passes, without rejecting or cancelling", async () => {
    vi.useFakeTimers();
    const finished = [cancelledFuture(), exceptionFuture(), successfulFuture()];
    const future = pendingFuture();
    const waiting = wait([...finished, future], { timeout: 50, returnWhen: ALL_COMPLETED });
    await vi.advanceTimersByTimeAsync(49);
    expect(await isSettledFake(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set(finished));
    expect(notDone).toEqual(new Set([future]));
    expect(future.state).toBe("PENDING");
  });

  it("with timeout 0 returns at once", async () => {
    const future = runningFuture();
    const { done, notDone } = await wait([successfulFuture(), future], { timeout: 0 });
    expect(done.size).toBe(1);
    expect(notDone).toEqual(new Set([future]));
  });

  it("removes its callbacks and timer from the futures once it returns", async () => {
    vi.useFakeTimers();
    const first = runningFuture();
    const other = runningFuture();
    const removeSpy = vi.spyOn(other, "removeDoneCallback");
    const waiting = wait([first, other], { timeout: 1000, returnWhen: FIRST_COMPLETED });
    first.setResult(1);
    await waiting;
    expect(removeSpy).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    const later = vi.fn();
    other.addDoneCallback(later);
    other.setResult(2);
    expect(later).toHaveBeenCalledOnce();
  });

  it("the sets it resolved with do not change when futures finish afterwards", async () => {
    const first = runningFuture();
    const other = runningFuture();
    const waiting = wait([first, other], { returnWhen: FIRST_COMPLETED });
    first.setResult(1);
    other.setResult(2);
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([first]));
    expect(notDone).toEqual(new Set([other]));
  });

  it("rejects with the signal's reason when it aborts, and the futures are not cancelled", async () => {
    const controller = new AbortController();
    const future = pendingFuture();
    const waiting = wait([future], { signal: controller.signal });
    controller.abort(new Error("enough"));
    await expect(waiting).rejects.toThrow("enough");
    expect(future.state).toBe("PENDING");
    await expect(wait([future], { signal: AbortSignal.abort() })).rejects.toHaveProperty("name", "AbortError");
  });

  it("accepts any iterable, such as a Set or a generator", async () => {
    const futures = new Set([successfulFuture(1), successfulFuture(2)]);
    function* generate() {
      yield* futures;
    }
    expect((await wait(futures)).done.size).toBe(2);
    expect((await wait(generate())).done.size).toBe(2);
  });

  it("rejects with TypeError for a non-future element or an unknown returnWhen", async () => {
    await expect(wait([Promise.resolve(1)] as never)).rejects.toThrow(TypeError);
    await expect(wait([Promise.resolve(1)] as never)).rejects.toThrow("futures[0] is not a Future: received a Promise");
    await expect(wait(42 as never)).rejects.toThrow(TypeError);
    await expect(wait([], { returnWhen: "FIRST" as never })).rejects.toThrow('received "FIRST"');
  });

  it("rejects with RangeError for a negative timeout", async () => {
    await expect(wait([], { timeout: -1 })).rejects.toThrow(RangeError);
  });

  it("hands back the futures themselves, not their results", async () => {
    const future = successfulFuture(5);
    const { done } = await wait([future]);
    expect([...done][0]).toBeInstanceOf(Future);
  });
});

/** `isSettled` for fake timers: flushes microtasks only. */
async function isSettledFake(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return settled;
}
