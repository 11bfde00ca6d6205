/**
 * `limit(concurrency)`: run at most N promise-returning functions at once (the p-limit use case).
 *
 * @module
 */
import { CancelledError } from "@cc/core";
import { checkCount } from "./_util.ts";
import { Semaphore } from "./semaphore.ts";

/**
 * A function that runs `fn(...args)` when fewer than `concurrency` calls are active, FIFO.
 */
export interface Limiter {
  /** Runs `fn(...args)` under the limit and resolves to its result. */
  <A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<R>;
  /** The number of calls running now. */
  readonly activeCount: number;
  /** The number of calls waiting for a slot. */
  readonly pendingCount: number;
  /** The limit. */
  readonly concurrency: number;
  /**
   * Drops every waiting call: each one's promise rejects with `CancelledError` and its function
   * never runs (p-limit leaves them pending forever). Returns how many were dropped.
   */
  clearQueue(): number;
}

/**
 * Creates a {@linkcode Limiter}: `limiter(fn, ...args)` runs `fn` when fewer than `concurrency`
 * calls are active, in call order. Built on {@linkcode Semaphore}: no allocation beyond the
 * call's own promise while a slot is free.
 *
 * @param concurrency The most calls running at once (an integer ≥ 1, or `Infinity`).
 * @returns The limiter function.
 * @throws {RangeError} If `concurrency` is not an integer ≥ 1 or `Infinity`
 *
 * @example
 * ```ts
 * import { limit } from "@cc/async";
 * const lim = limit(2);
 * const double = async (x: number) => x * 2;
 * const ys = await Promise.all([1, 2, 3].map((x) => lim(double, x)));
 * console.assert(ys.join() === "2,4,6" && lim.activeCount === 0);
 * ```
 */
export function limit(concurrency: number): Limiter {
  checkCount(concurrency, "limit() concurrency", 1, true);
  const sem = new Semaphore(concurrency === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER : concurrency);
  const max = sem.value;
  const limiter = (<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<R> => {
    if (typeof fn !== "function") {
      return Promise.reject(new TypeError(`Cannot call the limiter as fn must be a function: received ${String(fn)}`));
    }
    return sem._run(fn, args.length === 0 ? undefined : args);
  }) as Limiter;
  Object.defineProperties(limiter, {
    activeCount: { get: () => max - sem.value },
    pendingCount: { get: () => sem.waiting },
    concurrency: { value: concurrency },
    clearQueue: { value: () => sem._rejectWaiters(new CancelledError("The limiter's queue was cleared")) },
  });
  return limiter;
}
