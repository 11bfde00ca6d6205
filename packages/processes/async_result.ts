/**
 * `AsyncResult`, the handle `Pool.applyAsync` and `Pool.mapAsync` return (Python's
 * `multiprocessing.pool.AsyncResult`).
 *
 * @module
 */
import { InvalidStateError } from "@cc/core";
import type { Future } from "@cc/futures";

/** Options of {@linkcode AsyncResult.get} and {@linkcode AsyncResult.wait}. */
export interface AsyncResultWaitOptions {
  /**
   * Milliseconds to wait (Python's `timeout`, in seconds there). Default: wait until the result is ready.
   */
  timeout?: number;
}

/**
 * The result of `Pool.applyAsync` / `mapAsync` / `starmapAsync`, which may not be ready yet
 * (Python's `AsyncResult`). `get()` gives the value or rejects with the task's error; `ready()` and
 * `successful()` inspect it without waiting. The underlying {@linkcode Future} is `future`.
 *
 * @example
 * ```ts
 * import { Future } from "@cc/futures";
 * import { AsyncResult } from "@cc/processes";
 * const future = new Future<number>();
 * const result = new AsyncResult(future);
 * console.assert(!result.ready());
 * future.setResult(144);
 * console.assert(result.ready() && result.successful());
 * console.assert((await result.get()) === 144);
 * ```
 */
export class AsyncResult<T> {
  /** The future this result reads. */
  readonly future: Future<T>;

  constructor(future: Future<T>) {
    this.future = future;
  }

  /**
   * The result once it is ready; rejects with the task's error, or with `TimeoutError` when `timeout`
   * ms pass first (the task goes on).
   *
   * @example
   * ```ts
   * import { TimeoutError } from "@cc/core";
   * import { Future } from "@cc/futures";
   * import { AsyncResult } from "@cc/processes";
   * const future = new Future<string>();
   * const result = new AsyncResult(future);
   * console.assert((await result.get({ timeout: 10 }).catch((e: unknown) => e)) instanceof TimeoutError);
   * future.setResult("done");
   * console.assert((await result.get()) === "done");
   * ```
   */
  get(options: AsyncResultWaitOptions = {}): Promise<T> {
    return this.future.result({ timeout: options.timeout });
  }

  /**
   * Resolves once the result is ready, or after `timeout` ms; never rejects (Python's `wait`).
   *
   * @example
   * ```ts
   * import { Future } from "@cc/futures";
   * import { AsyncResult } from "@cc/processes";
   * const future = new Future<number>();
   * const result = new AsyncResult(future);
   * await result.wait({ timeout: 10 }); // resolves after 10 ms, not ready
   * console.assert(!result.ready());
   * future.setException(new Error("failed"));
   * await result.wait(); // never rejects
   * console.assert(result.ready() && !result.successful());
   * ```
   */
  wait(options: AsyncResultWaitOptions = {}): Promise<void> {
    return this.future.exception({ timeout: options.timeout }).then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * True once the call has finished (with a result or an error).
   *
   * @example
   * ```ts
   * import { Future } from "@cc/futures";
   * import { AsyncResult } from "@cc/processes";
   * const future = new Future<number>();
   * const result = new AsyncResult(future);
   * console.assert(!result.ready());
   * future.setResult(1);
   * console.assert(result.ready());
   * ```
   */
  ready(): boolean {
    return this.future.done();
  }

  /**
   * True if the call finished with a result. Throws `InvalidStateError` while it is not ready
   * (Python raises `ValueError`).
   *
   * @example
   * ```ts
   * import { InvalidStateError } from "@cc/core";
   * import { Future } from "@cc/futures";
   * import { AsyncResult } from "@cc/processes";
   * const future = new Future<number>();
   * const result = new AsyncResult(future);
   * try {
   *   result.successful();
   * } catch (e) {
   *   console.assert(e instanceof InvalidStateError); // not ready yet
   * }
   * future.setResult(1);
   * console.assert(result.successful());
   * ```
   */
  successful(): boolean {
    if (!this.future.done()) throw new InvalidStateError("the AsyncResult is not ready");
    if (this.future.cancelled()) return false;
    try {
      this.future.resultNow();
      return true;
    } catch {
      return false;
    }
  }
}
