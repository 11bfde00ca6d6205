/**
 * `waitFor(aw, ms)`: Python's `asyncio.wait_for`.
 *
 * @module
 */
import { TimeoutError } from "@cc/core";
import { runInNestedScope } from "./_cancel_scope.ts";
import { checkDelay, checkSignal, LongTimer } from "./_util.ts";
import { AsyncTask } from "./task.ts";

/** Options of {@linkcode waitFor}. */
export interface WaitForTimeoutOptions {
  /**
   * An outer signal: stops waiting (and cancels `aw` as a timeout would) with `signal.reason`.
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * Waits for `aw` at most `ms` milliseconds (Python's `asyncio.wait_for(aw, timeout)`; cc's time is in
 * ms). On timeout it rejects with `TimeoutError` and cancels `aw` as far as JavaScript allows: an
 * {@linkcode AsyncTask} is `cancel()`ed; a function `(signal) => promise` is called with a signal that
 * aborts then; a plain promise cannot be cancelled and keeps running. Wrap a task in `shield()` to
 * keep it running. `ms` of `null` or `Infinity` waits forever; negative counts as 0. With 0 (as in
 * Python) a function is never called and a task that is not done is cancelled (one not started yet
 * never runs): both time out at once; a done task gives its result, and a promise gets until the
 * next macrotask to settle.
 *
 * @typeParam T The result type.
 * @param aw A promise, an AsyncTask, or a function given an AbortSignal.
 * @param ms The time limit in ms.
 * @param options An outer signal.
 * @returns `aw`'s result.
 * @throws {TypeError} If `ms` is not a number or null
 *
 * @example
 * ```ts
 * import { createTask, sleep, waitFor } from "@cc/async";
 * const t = createTask((signal) => sleep(60_000, { signal }));
 * try { await waitFor(t, 5); } catch (e) { console.assert((e as Error).name === "TimeoutError"); }
 * await t.catch(() => {});
 * console.assert(t.cancelled());
 * ```
 */
export function waitFor<T>(
  aw: PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>),
  ms: number | null,
  options?: WaitForTimeoutOptions,
): Promise<T> {
  const delay = ms === null ? Number.POSITIVE_INFINITY : checkDelay(ms, "waitFor() ms");
  const outer = checkSignal(options?.signal);
  if (delay === 0 && outer?.aborted !== true) {
    // asyncio's wait_for(aw, 0): a done awaitable gives its result; anything else is cancelled before
    // it gets to run (a coroutine is never started) and times out.
    if (aw instanceof AsyncTask && aw.done()) return Promise.resolve(aw);
    if (typeof aw === "function" || aw instanceof AsyncTask) {
      const error = new TimeoutError("waitFor() timed out after 0 ms");
      if (aw instanceof AsyncTask) aw.cancel(error);
      return Promise.reject(error);
    }
  }
  let controller: AbortController | undefined;
  let p: PromiseLike<T> | T;
  if (typeof aw === "function") {
    controller = new AbortController();
    if (outer?.aborted) return Promise.reject(outer.reason);
    try {
      const signal = controller.signal;
      p = runInNestedScope(signal, () => aw(signal));
    } catch (error) {
      return Promise.reject(error);
    }
  } else {
    p = aw;
  }
  const cancel = (reason: unknown): void => {
    if (aw instanceof AsyncTask) aw.cancel(reason);
    controller?.abort(reason);
  };
  if (outer?.aborted) {
    cancel(outer.reason);
    return Promise.reject(outer.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      timer?.clear();
      outer?.removeEventListener("abort", onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!finish()) return;
      cancel(outer?.reason);
      reject(outer?.reason);
    };
    const timer =
      delay === Number.POSITIVE_INFINITY
        ? undefined
        : new LongTimer(() => {
            if (!finish()) return;
            const error = new TimeoutError(`waitFor() timed out after ${delay} ms`);
            cancel(error);
            reject(error);
          }, delay);
    outer?.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(p).then(
      (v) => {
        if (finish()) resolve(v);
      },
      (e) => {
        if (finish()) reject(e);
      },
    );
  });
}
