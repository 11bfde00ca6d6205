/**
 * `timeout(ms, fn)`, `timeoutAt(deadline, fn)` and the `Timeout` scope: Python's `asyncio.timeout`.
 *
 * @module
 */

import { InvalidStateError, TimeoutError } from "@cc/core";
import { abortable } from "./_abortable.ts";
import { runInNestedScope } from "./_cancel_scope.ts";
import { checkDelay, checkFunction, checkSignal, describe, LongTimer } from "./_util.ts";

/** Options of {@linkcode Timeout}, {@linkcode timeout} and {@linkcode timeoutAt}. */
export interface TimeoutOptions {
  /**
   * An outer signal: when it aborts, the timeout's signal aborts with the same reason and the
   * operation rejects with it (not with `TimeoutError`).
   * @default {undefined}
   */
  signal?: AbortSignal;
}

function checkDeadline(deadline: unknown, what: string): number {
  if (deadline === null) return Number.POSITIVE_INFINITY;
  if (typeof deadline !== "number") {
    throw new TypeError(
      `Cannot use ${what} as it must be a Date.now() time in ms or null: received ${describe(deadline)}`,
    );
  }
  if (Number.isNaN(deadline)) throw new RangeError(`Cannot use ${what} as it must not be NaN: received NaN`);
  return deadline;
}

/**
 * A deadline scope (Python's `asyncio.Timeout`): its `signal` aborts with a `TimeoutError` when
 * the deadline passes. Deadlines are `Date.now()` times in ms (Python uses the loop's clock in
 * seconds); `null` means none. `using t = new Timeout(…)` clears the timer when the block ends.
 *
 * @example
 * ```ts
 * import { Timeout, sleep } from "@cc/async";
 * using t = new Timeout(Date.now() + 5);
 * try { await sleep(60_000, { signal: t.signal }); } catch (e) {
 *   console.assert((e as Error).name === "TimeoutError" && t.expired());
 * }
 * ```
 */
export class Timeout implements Disposable {
  #controller = new AbortController();
  #deadline: number;
  #timer: LongTimer | undefined;
  #expired = false;
  #disposed = false;
  #outer: AbortSignal | undefined;
  #onOuterAbort: (() => void) | undefined;

  /**
   * @param deadline A `Date.now()` time in ms, or `null` for no deadline (yet).
   * @param options An outer signal.
   * @throws {TypeError} If `deadline` is not a number or null
   */
  constructor(deadline: number | null, options?: TimeoutOptions) {
    this.#deadline = checkDeadline(deadline, "the Timeout deadline");
    const outer = checkSignal(options?.signal);
    if (outer !== undefined) {
      this.#outer = outer;
      this.#onOuterAbort = () => {
        this.#timer?.clear();
        if (!this.#controller.signal.aborted) this.#controller.abort(outer.reason);
      };
      if (outer.aborted) this.#onOuterAbort();
      else outer.addEventListener("abort", this.#onOuterAbort, { once: true });
    }
    this.#arm();
  }

  /**
   * Aborts with a `TimeoutError` at the deadline.
   *
   * @example
   * ```ts
   * import { sleep, Timeout } from "@cc/async";
   * using t = new Timeout(Date.now() + 10);
   * const error = await sleep(60_000, { signal: t.signal }).catch((e: unknown) => e);
   * console.assert((error as Error).name === "TimeoutError");
   * ```
   */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * The deadline (`Date.now()` ms), or `null`.
   *
   * @example
   * ```ts
   * import { Timeout } from "@cc/async";
   * using t = new Timeout(null);
   * console.assert(t.when() === null);
   * ```
   */
  when(): number | null {
    return this.#deadline === Number.POSITIVE_INFINITY ? null : this.#deadline;
  }

  /**
   * True once the deadline has passed and the signal aborted because of it.
   *
   * @example
   * ```ts
   * import { Timeout } from "@cc/async";
   * using t = new Timeout(Date.now() + 60_000);
   * console.assert(!t.expired());
   * ```
   */
  expired(): boolean {
    return this.#expired;
  }

  /**
   * Moves the deadline (`null`: none).
   * @throws {InvalidStateError} If the timeout already expired or was disposed
   *
   * @example
   * ```ts
   * import { Timeout } from "@cc/async";
   * using t = new Timeout(null); // no deadline yet
   * const deadline = Date.now() + 60_000;
   * t.reschedule(deadline);
   * console.assert(t.when() === deadline);
   * ```
   */
  reschedule(deadline: number | null): void {
    if (this.#expired || this.#disposed || this.#controller.signal.aborted) {
      throw new InvalidStateError("Cannot reschedule a Timeout that has expired or ended");
    }
    this.#deadline = checkDeadline(deadline, "the Timeout deadline");
    this.#arm();
  }

  /**
   * Clears the timer and the outer signal's listener.
   *
   * @example
   * ```ts
   * import { Timeout } from "@cc/async";
   * const t = new Timeout(Date.now() + 60_000);
   * t[Symbol.dispose](); // the timer no longer keeps Node alive; `using` does this at the end of a block
   * console.assert(!t.expired());
   * ```
   */
  [Symbol.dispose](): void {
    this.#disposed = true;
    this.#timer?.clear();
    this.#outer?.removeEventListener("abort", this.#onOuterAbort as () => void);
  }

  #arm(): void {
    if (this.#controller.signal.aborted) return;
    this.#timer?.clear();
    if (this.#deadline === Number.POSITIVE_INFINITY) return;
    const ms = this.#deadline - Date.now();
    (this.#timer ??= new LongTimer(this.#fire, Number.POSITIVE_INFINITY)).schedule(Math.max(ms, 0));
  }

  #fire = (): void => {
    this.#expired = true;
    this.#controller.abort(new TimeoutError(`The operation timed out at its deadline`));
  };
}

/**
 * Runs `fn(signal)` with a deadline (Python's `async with asyncio.timeout_at(when)`); see
 * {@linkcode timeout}.
 *
 * @example
 * ```ts
 * import { sleep, timeoutAt } from "@cc/async";
 * console.assert((await timeoutAt(Date.now() + 1000, () => sleep(1, { value: 7 }))) === 7);
 * ```
 */
export function timeoutAt<T>(
  deadline: number | null,
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  options?: TimeoutOptions,
): Promise<T> {
  checkFunction(fn, "timeout() fn");
  const t = new Timeout(deadline, options);
  const signal = t.signal;
  if (signal.aborted) {
    t[Symbol.dispose]();
    return Promise.reject(signal.reason);
  }
  let p: T | PromiseLike<T>;
  try {
    p = runInNestedScope(signal, () => fn(signal));
  } catch (error) {
    t[Symbol.dispose]();
    return Promise.reject(error);
  }
  return abortable(p, signal).finally(() => t[Symbol.dispose]());
}

/**
 * Runs `fn(signal)` and rejects with `TimeoutError` if it has not settled after `ms` milliseconds
 * (Python's `async with asyncio.timeout(delay)`; cc's time is in ms). At the deadline `signal` aborts
 * with that `TimeoutError` — pass it on (`fetch(url, { signal })`, `sleep(ms, { signal })`) so the
 * work stops; JavaScript cannot interrupt work that ignores it, and its late result is dropped.
 * `ms` above 2^31 − 1 does not fire early, negative counts as 0, `Infinity` or `null` means none.
 *
 * @typeParam T The result type.
 * @param ms The time limit in ms.
 * @param fn The work.
 * @param options An outer signal.
 * @returns `fn`'s result.
 * @throws {TypeError} If `ms` is not a number or null, or `fn` not a function
 *
 * @example
 * ```ts
 * import { sleep, timeout } from "@cc/async";
 * try {
 *   await timeout(5, (signal) => sleep(60_000, { signal }));
 * } catch (e) {
 *   console.assert((e as Error).name === "TimeoutError");
 * }
 * ```
 */
export function timeout<T>(
  ms: number | null,
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  options?: TimeoutOptions,
): Promise<T> {
  const delay = ms === null ? Number.POSITIVE_INFINITY : checkDelay(ms, "timeout() ms");
  return timeoutAt(delay === Number.POSITIVE_INFINITY ? null : Date.now() + delay, fn, options);
}
