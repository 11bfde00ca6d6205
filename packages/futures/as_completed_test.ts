import { TimeoutError } from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type AsCompletedIterator, asCompleted } from "./as_completed.ts";
import { Future } from "./future.ts";
import {
  cancelledFuture,
  exceptionFuture,
  pendingFuture,
  runningFuture,
  successfulFuture,
} from "./testdata/futures.ts";

afterEach(() => {
  vi.useRealTimers();
});

async function collect<T>(iterator: AsCompletedIterator<T>): Promise<Future<T>[]> {
  const seen: Future<T>[] = [];
  for await (const future of iterator) seen.push(future);
  return seen;
}

describe("asCompleted()", () => {
  it("yields the Future objects themselves, not their results", async () => {
    const futures = [successfulFuture(1), runningFuture()];
    queueMicrotask(() => futures[1]!.setResult(2));
    const yielded: unknown[] = [];
    for await (const future of asCompleted(futures)) yielded.push(future);
    expect(yielded).toEqual([futures[0], futures[1]]);
    expect(yielded[0]).toBe(futures[0]);
    expect(yielded[1]).toBe(futures[1]);
    const first = await asCompleted([successfulFuture(3)]).next();
    expect(first.value).toBeInstanceOf(Future);
  });

  it("types the loop variable as a Future, not as the awaited result (TypeScript)", async () => {
    // Twice: TypeScript caches iteration types, and the second loop takes the cached path.
    for (let round = 0; round < 2; round++) {
      let seen = 0;
      for await (const future of asCompleted([successfulFuture(1)])) {
        const typed: Future<number> = future;
        const result: number = typed.resultNow();
        expect(result).toBe(1);
        expect(await typed).toBe(1);
        seen++;
      }
      expect(seen).toBe(1);
    }
  });

  it("yields every future when there is no timeout", async () => {
    const future1 = runningFuture();
    const future2 = runningFuture();
    const all = [cancelledFuture(), exceptionFuture(), successfulFuture(), future1, future2];
    const iteration = collect(asCompleted(all));
    future2.setResult(42);
    future1.setResult(42);
    expect(new Set(await iteration)).toEqual(new Set(all));
  });

  it("yields already-done futures first, in the order given, then in completion order", async () => {
    const a = runningFuture();
    const b = runningFuture();
    const c = successfulFuture();
    const d = cancelledFuture();
    const iterator = asCompleted([a, b, c, d]);
    const first = iterator.next();
    b.setResult(2);
    a.setResult(1);
    expect((await first).value).toBe(c);
    expect(await collect(iterator)).toEqual([d, b, a]);
  });

  it("yields futures completed in time, then throws TimeoutError and leaves the future alone", async () => {
    vi.useFakeTimers();
    const alreadyCompleted = [cancelledFuture(), exceptionFuture(), successfulFuture()];
    for (const timeout of [0, 100]) {
      const future = runningFuture();
      const completed = new Set<Future<number>>();
      const iteration = (async () => {
        for await (const f of asCompleted([...alreadyCompleted, future], { timeout })) completed.add(f);
      })();
      const outcome = iteration.then(
        () => "finished",
        (error: unknown) => error,
      );
      await vi.advanceTimersByTimeAsync(timeout);
      const error = await outcome;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(completed).toEqual(new Set(alreadyCompleted));
      expect(future.state).toBe("RUNNING");
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it("says how many futures are unfinished in its TimeoutError", async () => {
    const futures = [cancelledFuture(), pendingFuture(), runningFuture(), successfulFuture()];
    await expect(collect(asCompleted(futures, { timeout: 0 }))).rejects.toThrow(
      new TimeoutError("2 (of 4) futures unfinished"),
    );
  });

  it("counts the timeout from the first next(), and yields a future finished before it expires", async () => {
    vi.useFakeTimers();
    const slow = runningFuture();
    const fast = runningFuture();
    const iterator = asCompleted([slow, fast], { timeout: 1000 });
    await vi.advanceTimersByTimeAsync(5000); // not started yet: no timer
    const first = iterator.next();
    setTimeout(() => fast.setResult(1), 500);
    await vi.advanceTimersByTimeAsync(500);
    expect((await first).value).toBe(fast);
    await vi.advanceTimersByTimeAsync(500);
    await expect(iterator.next()).rejects.toThrow("1 (of 2) futures unfinished");
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it("yields futures that completed before the timeout even when the consumer reads them later", async () => {
    vi.useFakeTimers();
    const [a, b, c] = [runningFuture(), runningFuture(), runningFuture()];
    const iterator = asCompleted([a, b, c], { timeout: 100 });
    const first = iterator.next();
    a.setResult(1);
    expect((await first).value).toBe(a);
    b.setResult(2); // nobody is waiting: queued
    await vi.advanceTimersByTimeAsync(100);
    expect((await iterator.next()).value).toBe(b);
    await expect(iterator.next()).rejects.toThrow("1 (of 3) futures unfinished");
    expect(c.state).toBe("RUNNING");
  });

  it("yields a future given several times once (bpo-20367), from any iterable", async () => {
    const future = runningFuture();
    function* repeat() {
      for (let i = 0; i < 3; i++) yield future;
    }
    const iteration = collect(asCompleted(repeat()));
    future.setResult(1);
    expect(await iteration).toEqual([future]);
  });

  it("keeps no reference to a future it has yielded (bpo-14406)", async () => {
    const futures = [runningFuture(), successfulFuture(), cancelledFuture()];
    const iterator = asCompleted(futures);
    const first = await iterator.next();
    expect(first.value).toBe(futures[1]);
    // The internal queue slot of the yielded future is cleared; the queue still holds the next one.
    expect((await iterator.next()).value).toBe(futures[2]);
    futures[0]!.setResult(0);
    expect((await iterator.next()).value).toBe(futures[0]);
    expect((await iterator.next()).done).toBe(true);
  });

  it("removes its callbacks and timer when the loop is left early", async () => {
    vi.useFakeTimers();
    const done = successfulFuture();
    const pending = [runningFuture(), runningFuture()];
    const spies = pending.map((f) => vi.spyOn(f, "removeDoneCallback"));
    for await (const future of asCompleted([done, ...pending], { timeout: 10_000 })) {
      expect(future).toBe(done);
      break;
    }
    expect(spies.map((s) => s.mock.calls.length)).toEqual([1, 1]);
    expect(vi.getTimerCount()).toBe(0);
    const callback = vi.fn();
    pending[0]!.addDoneCallback(callback);
    pending[0]!.setResult(1);
    expect(callback).toHaveBeenCalledOnce();
  });

  it("installs nothing on the futures until iteration starts", () => {
    vi.useFakeTimers();
    const future = runningFuture();
    const add = vi.spyOn(future, "addDoneCallback");
    asCompleted([future], { timeout: 100 });
    expect(add).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ends at once for no futures", async () => {
    expect(await collect(asCompleted([]))).toEqual([]);
  });

  it("yields cancelled futures as completed", async () => {
    const future = pendingFuture();
    const iteration = collect(asCompleted([future]));
    future.cancel();
    expect(await iteration).toEqual([future]);
  });

  it("serves several pending next() calls in order", async () => {
    const a = runningFuture();
    const b = runningFuture();
    const iterator = asCompleted([a, b]);
    const first = iterator.next();
    const second = iterator.next();
    const third = iterator.next();
    b.setResult(2);
    a.setResult(1);
    expect((await first).value).toBe(b);
    expect((await second).value).toBe(a);
    expect((await third).done).toBe(true);
  });

  it("rejects with the signal's reason when it aborts, and stops", async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, "removeEventListener");
    const future = runningFuture();
    const iterator = asCompleted([future], { signal: controller.signal });
    const next = iterator.next();
    controller.abort(new Error("stop"));
    await expect(next).rejects.toThrow("stop");
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
    expect(remove).toHaveBeenCalled();
    expect(future.state).toBe("RUNNING");
  });

  it("throws TypeError for a non-future element and RangeError for a bad timeout", () => {
    expect(() => asCompleted([1] as never)).toThrow(TypeError);
    expect(() => asCompleted([1] as never)).toThrow("futures[0] is not a Future: received '1'");
    expect(() => asCompleted([], { timeout: -2 })).toThrow(RangeError);
  });
});
