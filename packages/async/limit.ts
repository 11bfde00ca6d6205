/**
 * `limit(concurrency)`: run at most N promise-returning functions at once (the p-limit use case).
 *
 * @module
 */
import { CancelledError } from "@cc/core";
import { Deque } from "./_deque.ts";
import { checkCount, describe } from "./_util.ts";

/**
 * A function that runs `fn(...args)` when fewer than `concurrency` calls are active, FIFO.
 */
export interface Limiter {
  /** Runs `fn(...args)` under the limit and resolves to its result. */
  <A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<R>;
  /** The number of calls running now (a call counts from the moment it got its slot). */
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

/** A queued call: `go` lets it run (in its caller's context), `cancel` drops it. */
interface Pending {
  go: () => void;
  cancel: (reason: unknown) => void;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Creates a {@linkcode Limiter}: `limiter(fn, ...args)` runs `fn` when fewer than `concurrency`
 * calls are active, in call order. As in p-limit, `fn` always starts asynchronously (on a later
 * microtask, even with a free slot) and in the async context of its own caller, so an
 * `AsyncLocalStorage` store set around the call is the one `fn` sees, also when it waited for a slot.
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
  const max = checkCount(concurrency, "limit() concurrency", 1, true);
  let active = 0;
  const queue = new Deque<Pending>();
  const next = (): void => {
    active--;
    while (active < max && queue.length > 0) {
      active++;
      (queue.shift() as Pending).go();
    }
  };
  const onOk = <T>(value: T): T => {
    next();
    return value;
  };
  const onErr = (error: unknown): never => {
    next();
    throw error;
  };
  // Runs in a promise reaction registered by the caller, so in the caller's async context.
  // biome-ignore lint/suspicious/noExplicitAny: any function with its own arguments.
  const start = (fn: (...args: any[]) => unknown, args: unknown[]): Promise<unknown> => {
    let p: unknown;
    try {
      p = args.length === 0 ? fn() : fn(...args);
    } catch (error) {
      next();
      return Promise.reject(error);
    }
    return (p instanceof Promise ? p : Promise.resolve(p)).then(onOk, onErr);
  };
  const limiter = (<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<R> => {
    if (typeof fn !== "function") {
      return Promise.reject(
        new TypeError(`Cannot call the limiter as fn must be a function: received ${describe(fn)}`),
      );
    }
    if (active < max) {
      active++;
      return RESOLVED.then(() => start(fn as never, args)) as Promise<R>;
    }
    return new Promise<void>((go, cancel) => queue.push({ go, cancel })).then(() =>
      start(fn as never, args),
    ) as Promise<R>;
  }) as Limiter;
  Object.defineProperties(limiter, {
    activeCount: { get: () => active },
    pendingCount: { get: () => queue.length },
    concurrency: { value: concurrency },
    clearQueue: {
      value: (): number => {
        const n = queue.length;
        const reason = new CancelledError("The limiter's queue was cleared");
        while (queue.length > 0) (queue.shift() as Pending).cancel(reason);
        return n;
      },
    },
  });
  return limiter;
}
