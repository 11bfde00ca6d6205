import { toFutureSet } from "./_future_set.ts";
import { checkSignal, checkTimeout, quote } from "./_options.ts";
import type { Future } from "./future.ts";

/**
 * `wait()` returns when any future finishes or is cancelled (Python's `FIRST_COMPLETED`).
 *
 * @example Usage
 * ```ts
 * import { FIRST_COMPLETED } from "@cc/futures";
 * console.assert(FIRST_COMPLETED === "FIRST_COMPLETED");
 * ```
 */
export const FIRST_COMPLETED = "FIRST_COMPLETED";

/**
 * `wait()` returns when any future finishes with an exception, or else when all are done
 * (Python's `FIRST_EXCEPTION`).
 *
 * @example Usage
 * ```ts
 * import { FIRST_EXCEPTION } from "@cc/futures";
 * console.assert(FIRST_EXCEPTION === "FIRST_EXCEPTION");
 * ```
 */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";

/**
 * `wait()` returns when all futures are done (Python's `ALL_COMPLETED`, the default).
 *
 * @example Usage
 * ```ts
 * import { ALL_COMPLETED } from "@cc/futures";
 * console.assert(ALL_COMPLETED === "ALL_COMPLETED");
 * ```
 */
export const ALL_COMPLETED = "ALL_COMPLETED";

/** When {@linkcode wait} returns: one of the three constants. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options of {@linkcode wait}. */
export interface WaitOptions {
  /**
   * The longest time to wait, in milliseconds. When it passes, `wait()` resolves with what is done
   * so far (it does not reject). `undefined`, `null` or `Infinity` wait forever.
   *
   * @default {undefined}
   */
  timeout?: number | null | undefined;
  /**
   * When to return: `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED`.
   *
   * @default {"ALL_COMPLETED"}
   */
  returnWhen?: ReturnWhen | undefined;
  /**
   * Stops waiting when it aborts: the promise rejects with `signal.reason`. The futures are not
   * cancelled.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | null | undefined;
}

/**
 * What {@linkcode wait} resolves with (Python's `DoneAndNotDoneFutures`). Plain sets, so no future
 * is unwrapped by the promise.
 *
 * @typeParam T The type of the futures' results.
 */
export interface DoneAndNotDone<T> {
  /** The futures that finished or were cancelled. */
  done: Set<Future<T>>;
  /** The futures still pending or running. */
  notDone: Set<Future<T>>;
}

function raised(future: Future<unknown>): boolean {
  if (future.cancelled()) return false;
  try {
    future.resultNow();
    return false;
  } catch {
    return true;
  }
}

/**
 * Waits for futures to complete, as Python's `concurrent.futures.wait`: resolves with
 * `{ done, notDone }` when the `returnWhen` condition holds or `timeout` milliseconds pass, whichever
 * comes first. Cancelled futures count as done. `FIRST_EXCEPTION` acts as `ALL_COMPLETED` when no
 * future raises. Duplicates are waited for once. Neither a timeout nor an abort cancels a future.
 *
 * Only {@linkcode Future} objects are accepted (wrap a promise with `Future.fromPromise`).
 *
 * @typeParam T The type of the futures' results.
 * @param futures Any iterable of futures.
 * @param options The timeout, the return condition and a signal.
 * @returns A promise of the `{ done, notDone }` sets.
 * @throws {TypeError} (as a rejection) If an element is not a `Future`, or `returnWhen` is unknown.
 * @throws {RangeError} (as a rejection) If `timeout` is negative or NaN.
 *
 * @example Waiting for the first one
 * ```ts
 * import { Future, wait, FIRST_COMPLETED } from "@cc/futures";
 * const a = new Future<number>();
 * const b = new Future<number>();
 * setTimeout(() => a.setResult(1), 1);
 * const { done, notDone } = await wait([a, b], { returnWhen: FIRST_COMPLETED });
 * console.assert(done.has(a) && notDone.has(b));
 * ```
 */
export function wait<T>(futures: Iterable<Future<T>>, options: WaitOptions = {}): Promise<DoneAndNotDone<T>> {
  let all: Set<Future<T>>;
  let timeout: number | undefined;
  let signal: AbortSignal | undefined;
  const returnWhen = options.returnWhen ?? ALL_COMPLETED;
  try {
    all = toFutureSet(futures, "wait()");
    timeout = checkTimeout(options.timeout, "wait()");
    signal = checkSignal(options.signal, "wait()");
    if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
      throw new TypeError(
        `Cannot call wait() as 'returnWhen' must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED: received ${quote(returnWhen)}`,
      );
    }
  } catch (error) {
    return Promise.reject(error);
  }

  const done = new Set<Future<T>>();
  const notDone = new Set<Future<T>>();
  let anyRaised = false;
  for (const future of all) {
    if (future.done()) {
      done.add(future);
      if (!anyRaised && returnWhen === FIRST_EXCEPTION) anyRaised = raised(future);
    } else {
      notDone.add(future);
    }
  }
  const result: DoneAndNotDone<T> = { done, notDone };
  if (
    notDone.size === 0 ||
    (returnWhen === FIRST_COMPLETED && done.size > 0) ||
    (returnWhen === FIRST_EXCEPTION && anyRaised) ||
    timeout === 0
  ) {
    return Promise.resolve(result);
  }
  if (signal?.aborted) return Promise.reject(signal.reason);

  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      for (const future of notDone) future.removeDoneCallback(onDone);
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      stop();
      reject(signal!.reason);
    };
    const onDone = (future: Future<T>) => {
      notDone.delete(future);
      done.add(future);
      if (notDone.size === 0 || returnWhen === FIRST_COMPLETED || (returnWhen === FIRST_EXCEPTION && raised(future))) {
        stop();
        resolve(result);
      }
    };
    for (const future of notDone) future.addDoneCallback(onDone);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeout !== undefined) {
      timer = setTimeout(() => {
        stop();
        resolve(result);
      }, timeout);
    }
  });
}
