/**
 * Options of the waiting methods of every primitive in this package.
 *
 * @module
 */

/**
 * Options of the non-blocking waits (`acquire`, `wait`, `hold`…), which can be used on any thread,
 * including the main thread.
 *
 * @example
 * ```ts
 * import { Lock, type WaitOptions } from "@cc/threads";
 * const options: WaitOptions = { timeout: 100, signal: AbortSignal.timeout(1000) };
 * console.assert(await new Lock().acquire(options));
 * ```
 */
export interface WaitOptions {
  /**
   * Give up after this many milliseconds (the method then returns `false`, or throws where it returns
   * no boolean). A negative timeout counts as 0: one try, no wait.
   *
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * Stop waiting when this signal aborts; the promise rejects with `signal.reason`.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * Options of the blocking waits (`acquireSync`, `waitSync`, `holdSync`…), which block the calling
 * worker thread and throw on the main thread.
 *
 * @example
 * ```ts
 * import type { WaitSyncOptions } from "@cc/threads";
 * const options: WaitSyncOptions = { timeout: 100 };
 * console.assert(options.timeout === 100);
 * ```
 */
export interface WaitSyncOptions {
  /**
   * Give up after this many milliseconds. A negative timeout counts as 0: one try, no wait.
   *
   * @default {Infinity}
   */
  timeout?: number;
}
