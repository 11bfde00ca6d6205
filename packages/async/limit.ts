/**
 * `limit(concurrency)`: run at most N promise-returning functions at once (the p-limit use case).
 *
 * @module
 */
import { CancelledError } from "@cc/core";
import { Deque } from "./_deque.ts";
import { checkCount, checkFunction, describe } from "./_util.ts";

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
  /**
   * The limit; settable (as in p-limit). Raising it starts waiting calls at once; lowering it lets
   * the running calls finish and starts the next one only when fewer than the new limit run.
   * @throws {RangeError} (on set) If the value is not an integer ≥ 1 or `Infinity`
   *
   * @example
   * ```ts
   * import { limit } from "@cc/async";
   * const lim = limit(1);
   * let release!: () => void;
   * const first = lim(() => new Promise<void>((resolve) => (release = resolve)));
   * const second = lim(async () => "second");
   * console.assert(lim.pendingCount === 1);
   * lim.concurrency = 2; // the waiting call gets a slot at once
   * console.assert(lim.pendingCount === 0 && lim.activeCount === 2);
   * console.assert((await second) === "second");
   * await new Promise((resolve) => setTimeout(resolve, 0)); // let the first call start
   * release();
   * await first;
   * ```
   */
  concurrency: number;
  /**
   * Drops every waiting call: each one's promise rejects with `CancelledError` and its function
   * never runs (p-limit leaves them pending forever). Returns how many were dropped.
   *
   * @example
   * ```ts
   * import { limit } from "@cc/async";
   * import { CancelledError } from "@cc/core";
   * const lim = limit(1);
   * const running = lim(async () => "ran");
   * const waiting = lim(async () => "never runs");
   * console.assert(lim.clearQueue() === 1);
   * console.assert((await waiting.catch((e: unknown) => e)) instanceof CancelledError);
   * console.assert((await running) === "ran");
   * ```
   */
  clearQueue(): number;
  /**
   * Calls `fn(item, index)` for each item under the limit and resolves to the results in input
   * order (p-limit's `limit.map`): `Promise.all` over `limiter(fn, item, index)` for every item, so
   * the first failure rejects it while the other calls still run. Also works detached
   * (`const { map } = lim`).
   *
   * @example
   * ```ts
   * import { limit } from "@cc/async";
   * const lim = limit(2);
   * const ys = await lim.map([1, 2, 3], async (x, i) => x * 10 + i);
   * console.assert(ys.join() === "10,21,32");
   * ```
   */
  map<T, R>(items: Iterable<T>, fn: (item: T, index: number) => R | PromiseLike<R>): Promise<R[]>;
}

/** Options of {@linkcode limitFunction}. */
export interface LimitFunctionOptions {
  /** The most calls of the function running at once (an integer ≥ 1, or `Infinity`). */
  concurrency: number;
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
  let max = checkCount(concurrency, "limit() concurrency", 1, true);
  let active = 0;
  const queue = new Deque<Pending>();
  const drain = (): void => {
    while (active < max && queue.length > 0) {
      active++;
      (queue.shift() as Pending).go();
    }
  };
  const next = (): void => {
    active--;
    drain();
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
    concurrency: {
      get: () => max,
      set: (value: number) => {
        max = checkCount(value, "limit concurrency", 1, true);
        drain();
      },
    },
    map: {
      value: async <T, R>(items: Iterable<T>, fn: (item: T, index: number) => R | PromiseLike<R>): Promise<R[]> => {
        checkFunction(fn, "limit.map() fn");
        return Promise.all(Array.from(items, (item, index) => limiter(fn, item, index)));
      },
    },
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

/**
 * Wraps `fn` so that at most `concurrency` of its calls run at once (p-limit's `limitFunction`): each
 * call of the result is `limiter(fn, ...args)` on a limiter of its own, with the same behaviour as
 * {@linkcode limit}.
 *
 * @typeParam A The function's parameters.
 * @typeParam R The function's result.
 * @param fn The function to limit.
 * @param options `{ concurrency }`.
 * @returns The limited function.
 * @throws {TypeError} If `fn` is not a function
 * @throws {RangeError} If `concurrency` is not an integer ≥ 1 or `Infinity`
 *
 * @example
 * ```ts
 * import { limitFunction } from "@cc/async";
 * let active = 0, peak = 0;
 * const fetchOne = limitFunction(async (id: number) => {
 *   peak = Math.max(peak, ++active);
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   active--;
 *   return `item ${id}`;
 * }, { concurrency: 2 });
 * const items = await Promise.all([1, 2, 3, 4].map((id) => fetchOne(id)));
 * console.assert(items[3] === "item 4" && peak === 2);
 * ```
 */
export function limitFunction<A extends unknown[], R>(
  fn: (...args: A) => R | PromiseLike<R>,
  options: LimitFunctionOptions,
): (...args: A) => Promise<R> {
  checkFunction(fn, "limitFunction() fn");
  const lim = limit(options?.concurrency);
  return (...args: A): Promise<R> => lim(fn, ...args);
}
