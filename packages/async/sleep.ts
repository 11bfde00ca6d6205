/**
 * `sleep(ms)`: Python's `asyncio.sleep`, in milliseconds, cancellable.
 *
 * @module
 */
import { checkDelay, checkSignal, LongTimer } from "./_util.ts";

/** Options of {@linkcode sleep}. */
export interface SleepOptions<T = undefined> {
  /**
   * Ends the sleep early: the promise rejects with `signal.reason`.
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * The value the promise resolves to (Python's `result` argument).
   * @default {undefined}
   */
  value?: T;
}

/**
 * Resolves after `ms` milliseconds (Python's `asyncio.sleep(seconds)`; cc's time is in ms).
 * Delays above 2^31 − 1 ms do not fire early (Node's `setTimeout` would fire at once);
 * a negative delay counts as 0; `Infinity` never resolves (abort it with a signal).
 * If `options.signal` aborts, the timer is cleared and the promise rejects with `signal.reason`.
 *
 * @param ms The delay in milliseconds.
 * @param options A signal and the resolved value.
 * @returns A promise of `options.value`.
 * @throws {TypeError} If `ms` is not a number
 * @throws {RangeError} If `ms` is NaN
 *
 * @example
 * ```ts
 * import { sleep } from "@cc/async";
 * const start = Date.now();
 * console.assert((await sleep(10, { value: "done" })) === "done" && Date.now() - start >= 9);
 * ```
 */
export function sleep<T = undefined>(ms: number, options?: SleepOptions<T>): Promise<T> {
  const delay = checkDelay(ms, "sleep() ms");
  const signal = checkSignal(options?.signal);
  const value = options?.value as T;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      timer.clear();
      reject(signal?.reason);
    };
    const timer = new LongTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    }, delay);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
