/**
 * `createTask(fn)`: Python's `asyncio.Task` for promises, cancellable through an `AbortSignal`.
 *
 * @module
 */
import { CancelledError, InvalidStateError } from "@cc/core";
import { runInScope } from "./_cancel_scope.ts";
import { checkFunction, isCancellation } from "./_util.ts";

/** Options of {@linkcode createTask}. */
export interface CreateTaskOptions {
  /**
   * The task's name (Python's `name`), shown in messages.
   * @default {"Task-<n>"}
   */
  name?: string;
  /**
   * A parent signal: when it aborts, the task is cancelled with the same reason.
   * @default {undefined}
   */
  signal?: AbortSignal;
}

let counter = 0;

/**
 * A running piece of asynchronous work (Python's `asyncio.Task`), made by {@linkcode createTask}.
 *
 * It is awaitable (`await task` gives the result, throws the error, or throws `CancelledError`
 * if it was cancelled). Cancellation is cooperative, as in asyncio: `cancel()` aborts the signal
 * the function received; the task ends when the function settles. If it then rejects (with the
 * abort reason, an `AbortError` or a `CancelledError`) the task is cancelled; if it returns a value
 * anyway, it has that result (as a coroutine that catches `CancelledError` would). A function that
 * ignores its signal keeps running: JavaScript cannot interrupt it. A task that fails and is never
 * awaited does not cause an unhandled rejection (Python logs "exception was never retrieved").
 *
 * @typeParam T The result type.
 *
 * @example
 * ```ts
 * import { createTask, sleep } from "@cc/async";
 * const t = createTask((signal) => sleep(60_000, { signal }));
 * t.cancel();
 * try { await t; } catch (e) { console.assert((e as Error).name === "CancelledError"); }
 * console.assert(t.cancelled());
 * ```
 */
export class AsyncTask<T = unknown> implements PromiseLike<T> {
  /** The task's name. */
  name: string;
  #controller = new AbortController();
  #state: "pending" | "fulfilled" | "rejected" | "cancelled" = "pending";
  #value: T | undefined;
  #error: unknown;
  // Typed loosely so that AsyncTask<T> stays assignable to AsyncTask<unknown>.
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  #callbacks: ((task: any) => void)[] = [];
  #started = false;
  #cancelRequested = false;
  #parent: AbortSignal | undefined;
  #onParentAbort: (() => void) | undefined;

  /** Use {@linkcode createTask}. */
  constructor(fn: (signal: AbortSignal) => T | PromiseLike<T>, options?: CreateTaskOptions) {
    checkFunction(fn, "createTask() fn");
    this.name = options?.name ?? `Task-${++counter}`;
    const parent = options?.signal;
    if (parent !== undefined) {
      if (parent.aborted) {
        this.cancel(parent.reason);
      } else {
        this.#parent = parent;
        this.#onParentAbort = () => this.cancel(parent.reason);
        parent.addEventListener("abort", this.#onParentAbort, { once: true });
      }
    }
    // Like asyncio, the function starts on a later turn, so a task cancelled at once never runs.
    queueMicrotask(() => this.#start(fn));
  }

  /**
   * The signal the task's function received; aborted by `cancel()`.
   *
   * @example
   * ```ts
   * import { createTask } from "@cc/async";
   * const t = createTask(async (signal) => signal.aborted);
   * console.assert(!t.signal.aborted && (await t) === false);
   * ```
   */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * True once the task has a result, an error, or was cancelled.
   *
   * @example
   * ```ts
   * import { createTask } from "@cc/async";
   * const t = createTask(async () => 1);
   * console.assert(!t.done());
   * await t;
   * console.assert(t.done());
   * ```
   */
  done(): boolean {
    return this.#state !== "pending";
  }

  /**
   * True if the task ended cancelled.
   *
   * @example
   * ```ts
   * import { createTask, sleep } from "@cc/async";
   * const t = createTask((signal) => sleep(60_000, { signal }));
   * t.cancel();
   * await t.catch(() => {});
   * console.assert(t.cancelled());
   * ```
   */
  cancelled(): boolean {
    return this.#state === "cancelled";
  }

  /**
   * True if `cancel()` was called and the task has not ended yet (Python's `cancelling() > 0`).
   *
   * @example
   * ```ts
   * import { createTask, sleep } from "@cc/async";
   * const t = createTask((signal) => sleep(60_000, { signal }));
   * await sleep(1); // the task has started (one cancelled before it starts ends at once)
   * t.cancel();
   * console.assert(t.cancelling()); // asked to stop, not ended yet
   * await t.catch(() => {});
   * console.assert(!t.cancelling() && t.cancelled());
   * ```
   */
  cancelling(): boolean {
    return this.#cancelRequested && this.#state === "pending";
  }

  /**
   * The result.
   * @throws {InvalidStateError} If the task is not done
   * @throws {CancelledError} If it was cancelled
   * @throws The task's own error, if it failed
   *
   * @example
   * ```ts
   * import { createTask } from "@cc/async";
   * const t = createTask(async () => "value");
   * await t;
   * console.assert(t.result() === "value");
   * ```
   */
  result(): T {
    if (this.#state === "fulfilled") return this.#value as T;
    if (this.#state === "pending") throw new InvalidStateError(`Result is not set: task "${this.name}" is pending`);
    throw this.#error;
  }

  /**
   * The error the task failed with, or `undefined` if it succeeded.
   * @throws {InvalidStateError} If the task is not done
   * @throws {CancelledError} If it was cancelled
   *
   * @example
   * ```ts
   * import { createTask } from "@cc/async";
   * const t = createTask(async () => {
   *   throw new Error("failed");
   * });
   * await t.catch(() => {});
   * console.assert((t.exception() as Error).message === "failed");
   * ```
   */
  exception(): unknown {
    if (this.#state === "pending") throw new InvalidStateError(`Exception is not set: task "${this.name}" is pending`);
    if (this.#state === "cancelled") throw this.#error;
    return this.#state === "rejected" ? this.#error : undefined;
  }

  /**
   * Requests cancellation: aborts the task's signal with a `CancelledError` (message `reason`).
   * Returns false if the task is already done. A task that has not started yet never runs.
   *
   * @example
   * ```ts
   * import { createTask, sleep } from "@cc/async";
   * import { CancelledError } from "@cc/core";
   * const t = createTask((signal) => sleep(60_000, { signal }));
   * console.assert(t.cancel("no longer needed"));
   * console.assert((await t.catch((e: unknown) => e)) instanceof CancelledError);
   * console.assert(!t.cancel()); // already done
   * ```
   */
  cancel(reason?: unknown): boolean {
    if (this.#state !== "pending") return false;
    this.#cancelRequested = true;
    if (!this.#controller.signal.aborted) {
      const error =
        reason instanceof CancelledError
          ? reason
          : new CancelledError(
              typeof reason === "string" ? reason : `Task "${this.name}" was cancelled`,
              reason === undefined || typeof reason === "string" ? undefined : { cause: reason },
            );
      this.#controller.abort(error);
    }
    if (!this.#started) this.#settle("cancelled", undefined, this.#controller.signal.reason);
    return true;
  }

  /**
   * Calls `callback(task)` once the task is done (at once, on a microtask, if it is).
   *
   * @example
   * ```ts
   * import { createTask } from "@cc/async";
   * const t = createTask(async () => 2);
   * const seen: number[] = [];
   * t.addDoneCallback((task) => seen.push(task.result()));
   * await t;
   * await Promise.resolve();
   * console.assert(seen.join() === "2");
   * ```
   */
  addDoneCallback(callback: (task: AsyncTask<T>) => void): void {
    checkFunction(callback, "addDoneCallback() callback");
    if (this.#state === "pending") this.#callbacks.push(callback);
    else queueMicrotask(() => callback(this));
  }

  /**
   * Removes a callback added with `addDoneCallback`; returns how many were removed.
   *
   * @example
   * ```ts
   * import { createTask } from "@cc/async";
   * const t = createTask(async () => 2);
   * const callback = () => {};
   * t.addDoneCallback(callback);
   * console.assert(t.removeDoneCallback(callback) === 1);
   * await t;
   * ```
   */
  removeDoneCallback(callback: (task: AsyncTask<T>) => void): number {
    const before = this.#callbacks.length;
    this.#callbacks = this.#callbacks.filter((cb) => cb !== callback);
    return before - this.#callbacks.length;
  }

  /**
   * Makes the task awaitable.
   *
   * @example
   * ```ts
   * import { createTask } from "@cc/async";
   * const t = createTask(async () => 20);
   * console.assert((await t.then((x) => x + 1)) === 21);
   * ```
   */
  // biome-ignore lint/suspicious/noThenProperty: a task is awaitable, as in asyncio.
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#promise().then(onfulfilled, onrejected);
  }

  /**
   * Like `Promise.prototype.catch`.
   *
   * @example
   * ```ts
   * import { createTask } from "@cc/async";
   * const t = createTask(async (): Promise<number> => {
   *   throw new Error("failed");
   * });
   * console.assert((await t.catch(() => -1)) === -1);
   * ```
   */
  catch<R2 = never>(onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<T | R2> {
    return this.#promise().then(undefined, onrejected);
  }

  /**
   * Like `Promise.prototype.finally`.
   *
   * @example
   * ```ts
   * import { createTask } from "@cc/async";
   * let cleaned = false;
   * await createTask(async () => 1).finally(() => (cleaned = true));
   * console.assert(cleaned);
   * ```
   */
  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#promise().finally(onfinally);
  }

  get [Symbol.toStringTag](): string {
    return `AsyncTask ${this.name} ${this.#state}`;
  }

  #promise(): Promise<T> {
    if (this.#state === "fulfilled") return Promise.resolve(this.#value as T);
    if (this.#state !== "pending") return Promise.reject(this.#error);
    return new Promise<T>((resolve, reject) => {
      this.#callbacks.push(() => (this.#state === "fulfilled" ? resolve(this.#value as T) : reject(this.#error)));
    });
  }

  #start(fn: (signal: AbortSignal) => T | PromiseLike<T>): void {
    if (this.#state !== "pending") return;
    this.#started = true;
    let p: T | PromiseLike<T>;
    try {
      const signal = this.#controller.signal;
      p = runInScope(signal, () => fn(signal));
    } catch (error) {
      this.#fail(error);
      return;
    }
    Promise.resolve(p).then(
      (value) => this.#settle("fulfilled", value, undefined),
      (error) => this.#fail(error),
    );
  }

  #fail(error: unknown): void {
    const signal = this.#controller.signal;
    if (
      error instanceof CancelledError ||
      (this.#cancelRequested && (error === signal.reason || isCancellation(error)))
    ) {
      this.#settle("cancelled", undefined, error instanceof CancelledError ? error : signal.reason);
    } else {
      this.#settle("rejected", undefined, error);
    }
  }

  #settle(state: "fulfilled" | "rejected" | "cancelled", value: T | undefined, error: unknown): void {
    if (this.#state !== "pending") return;
    this.#state = state;
    this.#value = value;
    this.#error = error;
    if (this.#parent !== undefined) {
      this.#parent.removeEventListener("abort", this.#onParentAbort as () => void);
      this.#parent = undefined;
    }
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const cb of callbacks) {
      try {
        cb(this);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

/**
 * Starts `fn(signal)` as an {@linkcode AsyncTask} (Python's `asyncio.create_task`). The function
 * starts on a later microtask; `task.cancel()` aborts `signal`.
 *
 * @typeParam T The result type.
 * @param fn The work; it should stop when `signal` aborts.
 * @param options A name and a parent signal.
 * @returns The task.
 * @throws {TypeError} If `fn` is not a function
 *
 * @example
 * ```ts
 * import { createTask } from "@cc/async";
 * const t = createTask(async () => 6 * 7, { name: "answer" });
 * console.assert((await t) === 42 && t.done() && t.result() === 42);
 * ```
 */
export function createTask<T>(
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  options?: CreateTaskOptions,
): AsyncTask<T> {
  return new AsyncTask(fn, options);
}
