import { TimeoutError } from "@cc/core";
import { toFutureSet } from "./_future_set.ts";
import { checkSignal, checkTimeout } from "./_options.ts";
import type { Future } from "./future.ts";

/** Options of {@linkcode asCompleted}. */
export interface AsCompletedOptions {
  /**
   * The longest time to iterate, in milliseconds, counted from the first `next()` call (when
   * iteration starts, as with Python's generator). When it passes, the futures that completed in
   * time are still yielded, then iteration throws `TimeoutError` ("N (of M) futures unfinished").
   * `undefined`, `null` or `Infinity` wait forever. The futures are not cancelled.
   *
   * @default {undefined}
   */
  timeout?: number | null | undefined;
  /**
   * Stops the iteration when it aborts: the pending or next `next()` rejects with `signal.reason`.
   * The futures are not cancelled.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | null | undefined;
}

/**
 * A future as {@linkcode asCompleted} yields it: a plain `Future<T>` at run time, whose `then` is
 * hidden from the type. TypeScript types the variable of `for await` as the *awaited* element type,
 * which for a (thenable) `Future<T>` would be `T` — although the loop really gets the future. Hiding
 * `then` keeps it typed as a future. Read it with `resultNow()`, `await future.result()`, or assign
 * it to a `Future<T>` first if you want `await future`.
 *
 * @typeParam T The type of the future's result.
 *
 * @example Usage
 * ```ts
 * import { asCompleted, Future, type AsCompletedFuture } from "@cc/futures";
 * const future = new Future<number>();
 * future.setResult(1);
 * for await (const done of asCompleted([future])) {
 *   const same: AsCompletedFuture<number> = done;
 *   const plain: Future<number> = same;
 *   console.assert(plain === future && (await plain) === 1);
 * }
 * ```
 */
export type AsCompletedFuture<T> = Future<T> & { readonly then: never };

/**
 * The async iterator {@linkcode asCompleted} returns: use it with `for await`, or call `next()`.
 *
 * @typeParam T The type of the futures' results.
 */
export interface AsCompletedIterator<T> {
  /** Resolves with the next future to complete, or `{ done: true }` when all were yielded. */
  next(): Promise<IteratorResult<AsCompletedFuture<T>, undefined>>;
  /** Stops the iteration: removes the callbacks and the timer. `for await` calls it on `break`. */
  return(): Promise<IteratorResult<AsCompletedFuture<T>, undefined>>;
  /** Returns the iterator itself. */
  [Symbol.asyncIterator](): AsCompletedIterator<T>;
}

interface Waiter<T> {
  resolve: (result: IteratorResult<AsCompletedFuture<T>, undefined>) => void;
  reject: (reason: unknown) => void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The iterator of {@linkcode asCompleted}. Written by hand rather than as an async generator, because
 * an async generator's `yield` would unwrap each (thenable) future into its result.
 */
class AsCompleted<T> implements AsCompletedIterator<T> {
  #all: Set<Future<T>> | undefined;
  #timeout: number | undefined;
  #signal: AbortSignal | undefined;
  #total: number;
  #started = false;
  #closed = false;
  #timedOut = false;
  #pending = new Set<Future<T>>();
  #finished: (Future<T> | undefined)[] = [];
  #head = 0;
  #waiters: Waiter<T>[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onDone = (future: Future<T>): void => {
    this.#pending.delete(future);
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value: future as AsCompletedFuture<T>, done: false });
    else this.#finished.push(future);
    if (this.#pending.size === 0) {
      this.#stopWaiting();
      // More next() calls than futures: the extra ones end the iteration.
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const extra of waiters) extra.resolve(DONE);
    }
  };
  #onAbort = (): void => {
    if (this.#waiters.length === 0) return; // the next next() sees the aborted signal
    this.#fail(this.#signal!.reason);
  };

  constructor(all: Set<Future<T>>, timeout: number | undefined, signal: AbortSignal | undefined) {
    this.#all = all;
    this.#total = all.size;
    this.#timeout = timeout;
    this.#signal = signal;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<AsCompletedFuture<T>, undefined>> {
    if (!this.#started) this.#start();
    if (this.#head < this.#finished.length)
      return Promise.resolve({ value: this.#shift() as AsCompletedFuture<T>, done: false });
    if (this.#closed || this.#pending.size === 0) {
      this.#close();
      return Promise.resolve(DONE);
    }
    if (this.#signal?.aborted) {
      this.#close();
      return Promise.reject(this.#signal.reason);
    }
    if (this.#timedOut) {
      const error = new TimeoutError(`${this.#pending.size} (of ${this.#total}) futures unfinished`);
      this.#close();
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  return(): Promise<IteratorResult<AsCompletedFuture<T>, undefined>> {
    this.#started = true;
    this.#close();
    return Promise.resolve(DONE);
  }

  #shift(): Future<T> {
    const future = this.#finished[this.#head]!;
    this.#finished[this.#head++] = undefined; // keep no reference to a yielded future
    if (this.#head === this.#finished.length) {
      this.#finished.length = 0;
      this.#head = 0;
    }
    return future;
  }

  #start(): void {
    this.#started = true;
    const all = this.#all!;
    this.#all = undefined;
    const pending = this.#pending;
    const finished = this.#finished;
    for (const future of all) {
      if (future.done()) finished.push(future);
      else pending.add(future);
    }
    if (pending.size === 0) return;
    for (const future of pending) future.addDoneCallback(this.#onDone);
    this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
    const timeout = this.#timeout;
    if (timeout === 0) this.#timedOut = true;
    else if (timeout !== undefined) this.#timer = setTimeout(this.#onTimeout, timeout);
  }

  #onTimeout = (): void => {
    this.#timer = undefined;
    this.#timedOut = true;
    if (this.#waiters.length === 0) return; // next() throws once the finished futures are consumed
    this.#fail(new TimeoutError(`${this.#pending.size} (of ${this.#total}) futures unfinished`));
  };

  /** Rejects the first waiting next() with `error`, ends the others, and closes. */
  #fail(error: unknown): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#close();
    waiters[0]!.reject(error);
    for (let i = 1; i < waiters.length; i++) waiters[i]!.resolve(DONE);
  }

  /** Removes the timer, the abort listener and (when some futures are pending) the done callbacks. */
  #stopWaiting(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#signal?.removeEventListener("abort", this.#onAbort);
    for (const future of this.#pending) future.removeDoneCallback(this.#onDone);
    this.#pending.clear();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#all = undefined;
    this.#stopWaiting();
    this.#finished.length = 0;
    this.#head = 0;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.resolve(DONE);
  }
}

/**
 * Iterates over futures as they complete (finish or are cancelled), as Python's
 * `concurrent.futures.as_completed`: `for await (const future of asCompleted(futures))`. Futures
 * already done when iteration starts come first, in the order given; a future given twice is
 * yielded once. The iterator yields the `Future` objects themselves, not their results.
 *
 * With `timeout`, iteration throws `TimeoutError` ("N (of M) futures unfinished") when the
 * timeout passes before every future completed. Leaving the loop early (`break`, `return`, an
 * exception) removes the iterator's callbacks and timer from the futures.
 *
 * Only {@linkcode Future} objects are accepted (wrap a promise with `Future.fromPromise`); the
 * iterable is read at once.
 *
 * @typeParam T The type of the futures' results.
 * @param futures Any iterable of futures.
 * @param options The timeout and a signal.
 * @returns An async iterator of the futures, in completion order.
 * @throws {TypeError} If an element is not a `Future`.
 * @throws {RangeError} If `timeout` is negative or NaN.
 *
 * @example Usage
 * ```ts
 * import { asCompleted, Future } from "@cc/futures";
 * const slow = new Future<string>();
 * const fast = new Future<string>();
 * setTimeout(() => slow.setResult("slow"), 20);
 * setTimeout(() => fast.setResult("fast"), 1);
 * const order: string[] = [];
 * for await (const future of asCompleted([slow, fast])) {
 *   console.assert(future instanceof Future);
 *   order.push(future.resultNow());
 * }
 * console.assert(order.join() === "fast,slow");
 * ```
 */
export function asCompleted<T>(futures: Iterable<Future<T>>, options: AsCompletedOptions = {}): AsCompletedIterator<T> {
  const all = toFutureSet(futures, "asCompleted()");
  const timeout = checkTimeout(options.timeout, "asCompleted()");
  const signal = checkSignal(options.signal, "asCompleted()");
  return new AsCompleted(all, timeout, signal);
}
