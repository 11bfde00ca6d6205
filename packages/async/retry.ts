/**
 * `retry(fn)`: call again with exponential backoff and jitter.
 *
 * @module
 */
import { checkCount, checkDelay, checkFunction, checkSignal, isCancellation, NEVER_ABORTED } from "./_util.ts";
import { sleep } from "./sleep.ts";

/** Options of {@linkcode retry}. */
export interface RetryOptions {
  /**
   * How many times to try again after the first failure (so at most `retries + 1` calls).
   * @default {5}
   */
  retries?: number;
  /**
   * The delay before the first retry, in ms.
   * @default {1000}
   */
  minDelay?: number;
  /**
   * The longest delay, in ms.
   * @default {60000}
   */
  maxDelay?: number;
  /**
   * The growth of the delay per retry: retry `n` (0-based) waits `min(maxDelay, minDelay * factor ** n)`.
   * @default {2}
   */
  factor?: number;
  /**
   * The random share of each delay, 0 … 1: the wait is `delay * (1 - jitter * Math.random())`
   * (1 = "full jitter", 0 = none).
   * @default {1}
   */
  jitter?: number;
  /**
   * Stops retrying: the promise rejects with `signal.reason` (a pending backoff ends at once);
   * `fn` also receives it.
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * Decides whether an error is worth another try. By default every error is, except a
   * cancellation (`CancelledError`, `AbortError`).
   * @default {(error) => !isCancellation(error)}
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean | PromiseLike<boolean>;
}

/**
 * Calls `fn(signal, attempt)` until it succeeds, waiting longer after each failure (exponential
 * backoff with jitter). When retries run out or `shouldRetry` says no, it rejects with the last
 * error itself. `attempt` counts from 0.
 *
 * @typeParam T The result type.
 * @param fn The operation.
 * @param options Retries, delays in ms, jitter, a signal and `shouldRetry`.
 * @returns `fn`'s first successful result.
 * @throws {RangeError} If an option is out of range
 *
 * @example
 * ```ts
 * import { retry } from "@cc/async";
 * let calls = 0;
 * const v = await retry(async () => { if (++calls < 3) throw new Error("flaky"); return "ok"; }, { minDelay: 1, jitter: 0 });
 * console.assert(v === "ok" && calls === 3);
 * ```
 */
export async function retry<T>(
  fn: (signal: AbortSignal, attempt: number) => T | PromiseLike<T>,
  options?: RetryOptions,
): Promise<T> {
  checkFunction(fn, "retry() fn");
  const retries = checkCount(options?.retries ?? 5, "retry() retries", 0, true);
  const minDelay = checkDelay(options?.minDelay ?? 1000, "retry() minDelay");
  const maxDelay = checkDelay(options?.maxDelay ?? 60_000, "retry() maxDelay");
  const factor = options?.factor ?? 2;
  if (typeof factor !== "number" || !(factor >= 1)) {
    throw new RangeError(`Cannot use retry() factor as it must be a number >= 1: received ${String(factor)}`);
  }
  const jitter = options?.jitter ?? 1;
  if (typeof jitter !== "number" || !(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`Cannot use retry() jitter as it must be a number from 0 to 1: received ${String(jitter)}`);
  }
  const signal = checkSignal(options?.signal);
  const shouldRetry = options?.shouldRetry ?? ((error: unknown) => !isCancellation(error));
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await fn(signal ?? NEVER_ABORTED, attempt);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (attempt >= retries || !(await shouldRetry(error, attempt))) throw error;
      const base = Math.min(maxDelay, minDelay * factor ** attempt);
      await sleep(base * (1 - jitter * Math.random()), { signal });
    }
  }
}
