/**
 * `wait(aws)`: Python's `asyncio.wait`.
 *
 * @module
 */
import { CancelledError } from "@cc/core";
import { checkDelay, checkSignal, describe, LongTimer } from "./_util.ts";

/**
 * `returnWhen` values of {@linkcode wait} (Python's constants, as strings).
 *
 * @example
 * ```ts
 * import { FIRST_COMPLETED, type ReturnWhen } from "@cc/async";
 * const when: ReturnWhen = FIRST_COMPLETED;
 * console.assert(when === "FIRST_COMPLETED");
 * ```
 */
export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";
/**
 * Return when any awaitable finishes or is cancelled.
 *
 * @example
 * ```ts
 * import { FIRST_COMPLETED, wait } from "@cc/async";
 * const { done } = await wait([Promise.resolve(1)], { returnWhen: FIRST_COMPLETED });
 * console.assert(done.size === 1);
 * ```
 */
export const FIRST_COMPLETED: ReturnWhen = "FIRST_COMPLETED";
/**
 * Return when any awaitable fails, or all finish.
 *
 * @example
 * ```ts
 * import { FIRST_EXCEPTION, wait } from "@cc/async";
 * const { done } = await wait([Promise.resolve(1)], { returnWhen: FIRST_EXCEPTION });
 * console.assert(done.size === 1);
 * ```
 */
export const FIRST_EXCEPTION: ReturnWhen = "FIRST_EXCEPTION";
/**
 * Return when all awaitables finish.
 *
 * @example
 * ```ts
 * import { ALL_COMPLETED, wait } from "@cc/async";
 * const { done } = await wait([Promise.resolve(1)], { returnWhen: ALL_COMPLETED });
 * console.assert(done.size === 1);
 * ```
 */
export const ALL_COMPLETED: ReturnWhen = "ALL_COMPLETED";

/** Options of {@linkcode wait}. */
export interface WaitForOptions {
  /**
   * The most ms to wait; when it passes, `wait` resolves with what is done so far (no error, and
   * nothing is cancelled, as in asyncio).
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * When to return: `"FIRST_COMPLETED"`, `"FIRST_EXCEPTION"` or `"ALL_COMPLETED"`.
   * @default {"ALL_COMPLETED"}
   */
  returnWhen?: ReturnWhen;
  /**
   * Stops waiting: the promise rejects with `signal.reason` (the awaitables are not cancelled).
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** What {@linkcode wait} resolves to: the same objects that were passed in, split in two sets. */
export interface WaitResult<A> {
  /** The awaitables that have settled (fulfilled, rejected or cancelled). */
  done: Set<A>;
  /** The others. */
  notDone: Set<A>;
}

const RETURN_WHEN = new Set<unknown>([FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED]);

/**
 * Waits until some or all of `aws` have settled and resolves to `{ done, notDone }` — sets of the
 * very objects given (promises, {@linkcode AsyncTask}s, thenables). Nothing is cancelled and
 * `wait` itself never rejects because of an item: inspect `task.result()` or `await` the settled
 * promises. Times are in ms.
 *
 * @typeParam A The awaitable type.
 * @param aws The awaitables (not empty).
 * @param options `timeout`, `returnWhen` and a signal.
 * @returns The two sets.
 * @throws {RangeError} If `aws` is empty or `returnWhen` is unknown
 *
 * @example
 * ```ts
 * import { createTask, sleep, wait } from "@cc/async";
 * const fast = createTask(() => sleep(1, { value: "fast" }));
 * const slow = createTask((signal) => sleep(10_000, { signal }));
 * const { done, notDone } = await wait([fast, slow], { returnWhen: "FIRST_COMPLETED" });
 * console.assert(done.has(fast) && notDone.has(slow));
 * slow.cancel();
 * ```
 */
export function wait<A extends PromiseLike<unknown>>(
  aws: Iterable<A>,
  options?: WaitForOptions,
): Promise<WaitResult<A>> {
  if (aws === null || typeof (aws as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== "function") {
    throw new TypeError(`Cannot wait as aws must be an iterable of awaitables: received ${describe(aws)}`);
  }
  const items = new Set(aws);
  if (items.size === 0) throw new RangeError("Cannot wait as the set of awaitables is empty");
  const returnWhen = options?.returnWhen ?? ALL_COMPLETED;
  if (!RETURN_WHEN.has(returnWhen)) throw new RangeError(`Invalid returnWhen value: ${describe(returnWhen)}`);
  const timeout = checkDelay(options?.timeout ?? Number.POSITIVE_INFINITY, "wait() timeout");
  const signal = checkSignal(options?.signal);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<WaitResult<A>>((resolve, reject) => {
    const done = new Set<A>();
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      timer?.clear();
      signal?.removeEventListener("abort", onAbort);
      const notDone = new Set<A>();
      for (const aw of items) if (!done.has(aw)) notDone.add(aw);
      resolve({ done, notDone });
    };
    const onAbort = (): void => {
      if (finished) return;
      finished = true;
      timer?.clear();
      reject(signal?.reason);
    };
    const timer = timeout === Number.POSITIVE_INFINITY ? undefined : new LongTimer(finish, timeout);
    signal?.addEventListener("abort", onAbort, { once: true });
    for (const aw of items) {
      Promise.resolve(aw).then(
        () => {
          done.add(aw);
          if (returnWhen === FIRST_COMPLETED || done.size === items.size) finish();
        },
        (error: unknown) => {
          done.add(aw);
          const failed = !(error instanceof CancelledError);
          if (
            returnWhen === FIRST_COMPLETED ||
            (returnWhen === FIRST_EXCEPTION && failed) ||
            done.size === items.size
          ) {
            finish();
          }
        },
      );
    }
  });
}
