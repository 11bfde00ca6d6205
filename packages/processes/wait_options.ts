/**
 * Options of the waiting methods of the cross-process primitives.
 *
 * @module
 */

/**
 * Options of a call that may wait (`Lock.acquire`, `Queue.get`, `Event.wait`…).
 *
 * @example
 * ```ts
 * import { Lock, type WaitOptions } from "@cc/processes";
 * const options: WaitOptions = { timeout: 100, signal: AbortSignal.timeout(1000) };
 * console.assert(await new Lock().acquire(options));
 * ```
 */
export interface WaitOptions {
  /**
   * Give up after this many milliseconds (the method then returns `false`, or throws `QueueEmpty` /
   * `QueueFull` for a queue). 0 or less: one try, no wait.
   *
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * Stop waiting when this signal aborts; the promise rejects with `signal.reason`. A call that had
   * already taken effect when the abort reached the broker (an item already taken off the queue) is
   * not undone: its promise resolves as usual.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** The timeout of a wait, checked: a number of milliseconds or `undefined` (for ever). */
export function timeoutOf(options: WaitOptions | undefined): number | undefined {
  const timeout = options?.timeout;
  if (timeout === undefined || timeout === Number.POSITIVE_INFINITY) return undefined;
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
  }
  return timeout;
}
