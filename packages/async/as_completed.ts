/**
 * `asCompleted(aws)`: Python's `asyncio.as_completed` (3.13 form: `async for` yields the originals).
 *
 * @module
 */
import { TimeoutError } from "@cc/core";
import { Deque } from "./_deque.ts";
import { checkDelay, describe, LongTimer } from "./_util.ts";

/** Options of {@linkcode asCompleted}. */
export interface AsCompletedOptions {
  /**
   * The most ms the whole iteration may take; after it, `next()` rejects with `TimeoutError`
   * (the awaitables are not cancelled).
   * @default {Infinity}
   */
  timeout?: number;
}

/**
 * Iterates over `aws` in the order they settle, yielding **the awaitables themselves** (the same
 * promise or {@linkcode AsyncTask} objects, as Python 3.13's `async for` does), so that a failure
 * surfaces only when you `await` the yielded item. Because JavaScript unwraps thenables that an
 * async generator yields, this iterator is written by hand: `for await` hands you the task, not its
 * result.
 *
 * @typeParam A The awaitable type.
 * @param aws The awaitables.
 * @param options The overall timeout.
 * @returns An async iterator of the same objects, in completion order.
 * @throws {TypeError} If `aws` is not iterable
 *
 * @example
 * ```ts
 * import { asCompleted, createTask, sleep } from "@cc/async";
 * const slow = createTask(() => sleep(20, { value: "slow" }));
 * const fast = createTask(() => sleep(1, { value: "fast" }));
 * const order: string[] = [];
 * for await (const t of asCompleted([slow, fast])) order.push(await t);
 * console.assert(order.join() === "fast,slow");
 * ```
 */
export function asCompleted<A extends PromiseLike<unknown>>(
  aws: Iterable<A>,
  options?: AsCompletedOptions,
): AsyncIterableIterator<A> {
  if (aws === null || typeof (aws as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== "function") {
    throw new TypeError(`Cannot iterate as aws must be an iterable of awaitables: received ${describe(aws)}`);
  }
  const items = [...new Set(aws)];
  const timeout = checkDelay(options?.timeout ?? Number.POSITIVE_INFINITY, "asCompleted() timeout");
  const ready = new Deque<A>();
  const waiting = new Deque<{ resolve: (r: IteratorResult<A>) => void; reject: (e: unknown) => void }>();
  let remaining = items.length;
  let closed = false;
  let timedOut = false;

  const timer =
    timeout === Number.POSITIVE_INFINITY || remaining === 0
      ? undefined
      : new LongTimer(() => {
          timedOut = true;
          while (waiting.length > 0) waiting.shift()?.reject(timeoutError());
        }, timeout);
  const timeoutError = (): TimeoutError => new TimeoutError(`asCompleted() timed out after ${timeout} ms`);

  const onSettled = (aw: A): void => {
    if (closed) return;
    remaining--;
    if (remaining === 0) timer?.clear();
    const w = waiting.shift();
    if (w !== undefined) w.resolve({ value: aw, done: false });
    else ready.push(aw);
  };
  for (const aw of items) {
    Promise.resolve(aw).then(
      () => onSettled(aw),
      () => onSettled(aw),
    );
  }

  const iterator: AsyncIterableIterator<A> = {
    next(): Promise<IteratorResult<A>> {
      if (ready.length > 0) return Promise.resolve({ value: ready.shift() as A, done: false });
      if (closed || remaining === 0) return Promise.resolve({ value: undefined, done: true });
      if (timedOut) return Promise.reject(timeoutError());
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return(): Promise<IteratorResult<A>> {
      closed = true;
      timer?.clear();
      ready.clear();
      while (waiting.length > 0) waiting.shift()?.resolve({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
