import { CancelledError, InvalidStateError, TimeoutError } from "@cc/core";
import { checkSignal, checkTimeout, quote } from "./_options.ts";

/**
 * The state of a {@linkcode Future}: `PENDING` → `RUNNING` → `FINISHED`, or `PENDING` → `CANCELLED`
 * (a pending future may also finish without running, as in Python).
 *
 * @example Usage
 * ```ts
 * import { Future, type FutureState } from "@cc/futures";
 * const state: FutureState = new Future().state;
 * console.assert(state === "PENDING");
 * ```
 */
export type FutureState = "PENDING" | "RUNNING" | "CANCELLED" | "FINISHED";

/**
 * A function called with the future once it is done (finished or cancelled).
 *
 * @typeParam T The type of the future's result.
 */
export type DoneCallback<T> = (future: Future<T>) => void;

/** Options of {@linkcode Future.prototype.result} and {@linkcode Future.prototype.exception}. */
export interface ResultOptions {
  /**
   * How long to wait, in milliseconds, before rejecting with `TimeoutError`. The timeout does not
   * cancel the future. `undefined`, `null` or `Infinity` wait forever; `0` checks without waiting.
   *
   * @default {undefined}
   */
  timeout?: number | null | undefined;
  /**
   * Stops waiting when it aborts: the promise rejects with `signal.reason`. It does not cancel the
   * future (use {@linkcode Future.prototype.cancelOnAbort} for that).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | null | undefined;
}

// States, as small integers so a future stays cheap; `FINISHED` is split by outcome.
const PENDING = 0;
const RUNNING = 1;
const CANCELLED = 2;
const SUCCEEDED = 3;
const FAILED = 4;
const STATE_NAMES: readonly FutureState[] = ["PENDING", "RUNNING", "CANCELLED", "FINISHED", "FINISHED"];

// Stored callbacks are typed without `T`, so that `Future<T>` stays covariant in `T`.
type StoredCallback = (future: never) => void;
type Resolve = (value: unknown) => void;
type Reject = (reason: unknown) => void;

// A shared promise executor, so that constructing a future allocates no closure: it hands the resolve
// function over through this variable, read right after `super()` returns. The reject function is not
// kept (it would live as long as the future): a future rejects by resolving with a rejected promise.
let capturedResolve: Resolve | undefined;
function capture(resolve: Resolve): void {
  capturedResolve = resolve;
}

function ignore(): void {}

function reportToConsole(error: unknown, future: Future<unknown>): void {
  console.error(`exception calling callback for ${future}`, error);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") return typeof value;
  return (value as { constructor?: { name?: string } }).constructor?.name || "Object";
}

/**
 * The result of a computation that may not have finished yet, after Python's
 * `concurrent.futures.Future`.
 *
 * A producer (an executor, or your own code) drives the state machine with
 * {@linkcode Future.prototype.setRunningOrNotifyCancel}, {@linkcode Future.prototype.setResult} and
 * {@linkcode Future.prototype.setException}; consumers query it synchronously (`done()`,
 * `resultNow()`, …), register done callbacks, or wait with `result({ timeout, signal })`.
 * A future is also awaitable: `await future` gives its result or throws its exception
 * (`CancelledError` when cancelled).
 *
 * A future is a native `Promise` settled with the future, so `await future`, `Promise.all(futures)`
 * and `future.then(…)` cost what they cost on any promise: the engine takes a future as it is, with
 * no wrapper promise and no extra turn. A future whose exception is never read never causes an
 * unhandled rejection, as in Python. Promises derived from it (`then`, `catch`, `finally`) are plain
 * promises.
 *
 * Beware that a future is a thenable: JavaScript unwraps it wherever it can (`yield future` in an
 * async generator, `return future` from an async function, resolving a promise with it). Wrap it in
 * an object or array to hand the future itself through a promise.
 *
 * @typeParam T The type of the result.
 *
 * @example Producer and consumer
 * ```ts
 * import { Future } from "@cc/futures";
 * const future = new Future<number>();
 * future.addDoneCallback((f) => console.log("done:", f.resultNow()));
 * if (future.setRunningOrNotifyCancel()) future.setResult(42);
 * console.assert((await future) === 42 && future.state === "FINISHED");
 * ```
 */
export class Future<T = unknown> extends Promise<T> {
  /**
   * Reports an exception thrown by a done callback; the other callbacks still run. The default
   * writes `exception calling callback for <Future …>` and the error to `console.error`, as Python
   * logs it. Assign your own function to send these errors elsewhere; an exception thrown by the
   * reporter itself is ignored.
   *
   * @example Collecting callback errors
   * ```ts
   * import { Future } from "@cc/futures";
   * const errors: unknown[] = [];
   * const previous = Future.reportCallbackError;
   * Future.reportCallbackError = (error) => errors.push(error);
   * const future = new Future<number>();
   * future.addDoneCallback(() => { throw new Error("doh!"); });
   * future.setResult(1);
   * Future.reportCallbackError = previous;
   * console.assert((errors[0] as Error).message === "doh!");
   * ```
   */
  static reportCallbackError: (error: unknown, future: Future<unknown>) => void = reportToConsole;

  #state = PENDING;
  #value: unknown = undefined;
  #callbacks: StoredCallback | StoredCallback[] | undefined = undefined;
  #resolve: Resolve | undefined;

  /**
   * A pending future. Its producer settles it with {@linkcode Future.prototype.setResult},
   * {@linkcode Future.prototype.setException} or {@linkcode Future.prototype.cancel}.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<number>();
   * console.assert(future.state === "PENDING" && future instanceof Promise);
   * ```
   */
  constructor() {
    super(capture as (resolve: (value: T) => void, reject: Reject) => void);
    this.#resolve = capturedResolve;
    capturedResolve = undefined;
  }

  /**
   * Promises derived from a future (`then`, `catch`, `finally`) are plain promises.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<number>();
   * const derived = future.then((x) => x * 2);
   * console.assert(!(derived instanceof Future) && derived instanceof Promise);
   * ```
   */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /**
   * Wraps a promise (or any thenable) in a `RUNNING` future that finishes when it settles. A promise
   * cannot be stopped, so the future cannot be cancelled. A `Future` is returned as is.
   *
   * @typeParam T The type the promise resolves to.
   * @param promise The promise to follow.
   * @returns A future settled like `promise`.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = Future.fromPromise(Promise.resolve(7));
   * console.assert(future.running() && !future.cancel());
   * console.assert((await future.result()) === 7);
   * ```
   */
  static fromPromise<T>(promise: PromiseLike<T>): Future<Awaited<T>> {
    if (promise instanceof Future) return promise as Future<Awaited<T>>;
    if (promise === null || typeof (promise as { then?: unknown })?.then !== "function") {
      throw new TypeError(`Cannot wrap ${quote(promise)} in a Future as it is not a promise`);
    }
    const future = new Future<Awaited<T>>();
    future.#state = RUNNING;
    promise.then(
      (value) => future.#settle(SUCCEEDED, value),
      (error: unknown) => future.#settle(FAILED, error),
    );
    return future;
  }

  /**
   * The state: `"PENDING"`, `"RUNNING"`, `"CANCELLED"` or `"FINISHED"` (with a result or an exception).
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<string>();
   * future.cancel();
   * console.assert(future.state === "CANCELLED");
   * ```
   */
  get state(): FutureState {
    return STATE_NAMES[this.#state]!;
  }

  /**
   * Cancels the future if it is still pending, and calls its done callbacks. A running or finished
   * future cannot be cancelled (Python's semantics); a cancelled one stays cancelled.
   *
   * @returns `true` if the future is cancelled (now or before), `false` if it is running or finished.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const queued = new Future();
   * console.assert(queued.cancel() && queued.cancelled() && queued.cancel());
   * const running = new Future();
   * running.setRunningOrNotifyCancel();
   * console.assert(!running.cancel());
   * ```
   */
  cancel(): boolean {
    const state = this.#state;
    if (state === CANCELLED) return true;
    if (state !== PENDING) return false;
    this.#settle(CANCELLED, undefined);
    return true;
  }

  /**
   * Cancels the future when `signal` aborts, if it is still pending then (see
   * {@linkcode Future.prototype.cancel}). Cancels at once if `signal` is already aborted. The listener
   * is removed when the future is done, so a long-lived signal keeps no reference to it.
   *
   * @param signal The signal that cancels the future.
   * @returns This future, for chaining.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const controller = new AbortController();
   * const future = new Future().cancelOnAbort(controller.signal);
   * controller.abort();
   * console.assert(future.cancelled());
   * ```
   */
  cancelOnAbort(signal: AbortSignal): this {
    checkSignal(signal, "cancelOnAbort()");
    if (this.#state >= CANCELLED) return this;
    if (signal.aborted) {
      this.cancel();
      return this;
    }
    const onAbort = () => this.cancel();
    signal.addEventListener("abort", onAbort, { once: true });
    this.addDoneCallback(() => signal.removeEventListener("abort", onAbort));
    return this;
  }

  /**
   * Whether the future was cancelled.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future();
   * future.cancel();
   * console.assert(future.cancelled());
   * ```
   */
  cancelled(): boolean {
    return this.#state === CANCELLED;
  }

  /**
   * Whether the future is running (and so can no longer be cancelled).
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future();
   * future.setRunningOrNotifyCancel();
   * console.assert(future.running());
   * ```
   */
  running(): boolean {
    return this.#state === RUNNING;
  }

  /**
   * Whether the future is done: finished with a result or an exception, or cancelled.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<number>();
   * future.setResult(1);
   * console.assert(future.done());
   * ```
   */
  done(): boolean {
    return this.#state >= CANCELLED;
  }

  /**
   * Waits for the result. The promise resolves with the result, or rejects with the future's
   * exception, with `CancelledError` if it is (or gets) cancelled, with `TimeoutError` if `timeout`
   * milliseconds pass first (the future is not cancelled), or with `signal.reason` if `signal` aborts
   * first. A result that is itself a thenable is adopted by the promise; use
   * {@linkcode Future.prototype.resultNow} to get it as is.
   *
   * @param options The timeout and signal.
   * @returns A promise of the result.
   * @throws {RangeError} (as a rejection) If `timeout` is negative or NaN.
   *
   * @example With a timeout
   * ```ts
   * import { Future } from "@cc/futures";
   * import { TimeoutError } from "@cc/core";
   * const future = new Future<number>();
   * const error = await future.result({ timeout: 10 }).catch((e) => e);
   * console.assert(error instanceof TimeoutError && !future.cancelled());
   * future.setResult(5);
   * console.assert((await future.result({ timeout: 10 })) === 5);
   * ```
   */
  result(options?: ResultOptions): Promise<T> {
    if (options === undefined || (options.timeout == null && options.signal == null)) return this.asPromise();
    return this.#waitFor(options, "result()", settleResult) as Promise<T>;
  }

  /**
   * Waits for the exception: resolves with the exception the future finished with, or `undefined`
   * if it finished with a result. Rejects with `CancelledError`, `TimeoutError` or `signal.reason`
   * exactly as {@linkcode Future.prototype.result} does.
   *
   * @param options The timeout and signal.
   * @returns A promise of the exception, or of `undefined`.
   * @throws {RangeError} (as a rejection) If `timeout` is negative or NaN.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<number>();
   * future.setException(new TypeError("bad"));
   * console.assert((await future.exception()) instanceof TypeError);
   * ```
   */
  exception(options?: ResultOptions): Promise<unknown> {
    return this.#waitFor(options ?? {}, "exception()", settleException);
  }

  /**
   * Returns the result of a done future at once.
   *
   * @returns The result.
   * @throws {InvalidStateError} If the future is not done yet.
   * @throws {CancelledError} If the future was cancelled.
   * @throws {unknown} The future's exception, if it finished with one.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<number>();
   * future.setResult(3);
   * console.assert(future.resultNow() === 3);
   * ```
   */
  resultNow(): T {
    const state = this.#state;
    if (state === SUCCEEDED) return this.#value as T;
    if (state === FAILED) throw this.#value;
    if (state === CANCELLED) throw new CancelledError();
    throw new InvalidStateError(`Result is not ready: ${this}`);
  }

  /**
   * Returns the exception of a done future at once, or `undefined` if it finished with a result.
   *
   * @returns The exception, or `undefined`.
   * @throws {InvalidStateError} If the future is not done yet.
   * @throws {CancelledError} If the future was cancelled.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<number>();
   * future.setException(new RangeError("too big"));
   * console.assert(future.exceptionNow() instanceof RangeError);
   * ```
   */
  exceptionNow(): unknown {
    const state = this.#state;
    if (state === SUCCEEDED) return undefined;
    if (state === FAILED) return this.#value;
    if (state === CANCELLED) throw new CancelledError();
    throw new InvalidStateError(`Exception is not set: ${this}`);
  }

  /**
   * Adds a callback called with the future once it is done — at once if it already is. Callbacks run
   * in the order they were added, exactly once each. An exception thrown by a callback is passed to
   * {@linkcode Future.reportCallbackError} and does not stop the other callbacks.
   *
   * @param fn The callback.
   * @throws {TypeError} If `fn` is not a function.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const seen: number[] = [];
   * const future = new Future<number>();
   * future.addDoneCallback((f) => seen.push(f.resultNow()));
   * future.setResult(9);
   * future.addDoneCallback((f) => seen.push(f.resultNow() + 1));
   * console.assert(seen.join() === "9,10");
   * ```
   */
  addDoneCallback(fn: DoneCallback<T>): void {
    if (typeof fn !== "function") {
      throw new TypeError(`Cannot add done callback as it must be a function: received ${quote(fn)}`);
    }
    if (this.#state >= CANCELLED) {
      this.#invoke(fn);
      return;
    }
    const callbacks = this.#callbacks;
    if (callbacks === undefined) this.#callbacks = fn;
    else if (typeof callbacks === "function") this.#callbacks = [callbacks, fn];
    else callbacks.push(fn);
  }

  /**
   * Removes every occurrence of a done callback that has not run yet (asyncio's
   * `remove_done_callback`).
   *
   * @param fn The callback to remove.
   * @returns How many callbacks were removed.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future();
   * const fn = () => { throw new Error("never called"); };
   * future.addDoneCallback(fn);
   * console.assert(future.removeDoneCallback(fn) === 1);
   * future.setResult(undefined);
   * ```
   */
  removeDoneCallback(fn: DoneCallback<T>): number {
    const callbacks = this.#callbacks;
    if (callbacks === undefined) return 0;
    if (typeof callbacks === "function") {
      if (callbacks !== fn) return 0;
      this.#callbacks = undefined;
      return 1;
    }
    let removed = 0;
    for (let i = callbacks.length - 1; i >= 0; i--) {
      if (callbacks[i] === fn) {
        callbacks.splice(i, 1);
        removed++;
      }
    }
    if (callbacks.length === 0) this.#callbacks = undefined;
    return removed;
  }

  /**
   * Marks the future running, unless it was cancelled. A producer calls this once, before it starts
   * the work: it is the one place where cancellation wins or loses. The done callbacks of a cancelled
   * future have already run when it was cancelled.
   *
   * @returns `true` if the future is now running; `false` if it was cancelled (skip the work).
   * @throws {InvalidStateError} If the future is already running or finished.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<number>();
   * if (future.setRunningOrNotifyCancel()) future.setResult(2 ** 10);
   * console.assert(future.resultNow() === 1024);
   * ```
   */
  setRunningOrNotifyCancel(): boolean {
    const state = this.#state;
    if (state === PENDING) {
      this.#state = RUNNING;
      return true;
    }
    if (state === CANCELLED) return false;
    throw new InvalidStateError(`Future in unexpected state: ${this}`);
  }

  /**
   * Finishes the future with a result and calls its done callbacks.
   *
   * @param value The result.
   * @throws {InvalidStateError} If the future is already done (finished or cancelled).
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<string>();
   * future.setResult("ok");
   * console.assert(future.resultNow() === "ok");
   * ```
   */
  setResult(value: T): void {
    if (this.#state >= CANCELLED) throw new InvalidStateError(`${this.state}: ${this}`);
    this.#settle(SUCCEEDED, value);
  }

  /**
   * Finishes the future with an exception and calls its done callbacks. Nothing is reported if no
   * one ever reads the exception.
   *
   * @param error The exception.
   * @throws {InvalidStateError} If the future is already done (finished or cancelled).
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<string>();
   * future.setException(new Error("failed"));
   * console.assert((future.exceptionNow() as Error).message === "failed");
   * ```
   */
  setException(error: unknown): void {
    if (this.#state >= CANCELLED) throw new InvalidStateError(`${this.state}: ${this}`);
    this.#settle(FAILED, error);
  }

  /**
   * The future as a promise: it resolves with the result, or rejects with the exception or
   * `CancelledError`. A future is a promise already, so this returns the future itself; it only
   * changes the static type (handy where an API expects `Promise<T>`).
   *
   * @returns The promise.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<number>();
   * const promise = future.asPromise();
   * future.setResult(8);
   * console.assert((await promise) === 8 && future.asPromise() === promise);
   * ```
   */
  asPromise(): Promise<T> {
    return this;
  }

  /**
   * Describes the future as Python's `repr` does, e.g. `<Future state=finished returned number>`.
   *
   * @returns The description.
   *
   * @example Usage
   * ```ts
   * import { Future } from "@cc/futures";
   * const future = new Future<number>();
   * future.setException(new RangeError("x"));
   * console.assert(String(future) === "<Future state=finished raised RangeError>");
   * ```
   */
  override toString(): string {
    const state = this.#state;
    if (state === SUCCEEDED) return `<Future state=finished returned ${typeName(this.#value)}>`;
    if (state === FAILED) return `<Future state=finished raised ${typeName(this.#value)}>`;
    return `<Future state=${STATE_NAMES[state]!.toLowerCase()}>`;
  }

  /** Shown by `console.log(future)` and `util.inspect`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  #settle(state: number, value: unknown): void {
    this.#state = state;
    this.#value = value;
    const resolve = this.#resolve!;
    this.#resolve = undefined;
    if (state === SUCCEEDED) resolve(value);
    else {
      // a future's exception that nobody reads is not an unhandled rejection (Python's semantics)
      this.then(undefined, ignore);
      resolve(Promise.reject(state === FAILED ? value : new CancelledError()));
    }
    const callbacks = this.#callbacks;
    if (callbacks === undefined) return;
    this.#callbacks = undefined;
    if (typeof callbacks === "function") this.#invoke(callbacks);
    else for (let i = 0; i < callbacks.length; i++) this.#invoke(callbacks[i]!);
  }

  #invoke(fn: StoredCallback): void {
    try {
      (fn as DoneCallback<T>)(this);
    } catch (error) {
      try {
        Future.reportCallbackError(error, this as Future<unknown>);
      } catch {
        // A failing reporter must not stop the other callbacks.
      }
    }
  }

  #waitFor(
    options: ResultOptions,
    where: string,
    settle: (future: Future<T>, resolve: (value: unknown) => void, reject: (reason: unknown) => void) => void,
  ): Promise<unknown> {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    try {
      timeout = checkTimeout(options.timeout, where);
      signal = checkSignal(options.signal, where);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      if (this.#state >= CANCELLED) return settle(this, resolve, reject);
      if (signal?.aborted) return reject(signal.reason);
      if (timeout === 0) return reject(new TimeoutError(`${where} timed out after 0 ms: ${this}`));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        this.removeDoneCallback(onDone);
        if (timer !== undefined) clearTimeout(timer);
        reject(signal!.reason);
      };
      const onDone = (future: Future<T>) => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        settle(future, resolve, reject);
      };
      this.addDoneCallback(onDone);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          this.removeDoneCallback(onDone);
          signal?.removeEventListener("abort", onAbort);
          reject(new TimeoutError(`${where} timed out after ${timeout} ms: ${this}`));
        }, timeout);
      }
    });
  }
}

// The engine takes a promise whose `constructor` is `Promise` as it is: `await future` and
// `Promise.all(futures)` then wait on the future itself, with no wrapper promise, no extra job and no
// extra turn. `instanceof Future` is unaffected. A subclass may do the same for its own prototype.
Object.defineProperty(Future.prototype, "constructor", { value: Promise, writable: true, configurable: true });

function settleResult<T>(future: Future<T>, resolve: (value: unknown) => void, reject: (reason: unknown) => void) {
  try {
    resolve(future.resultNow());
  } catch (error) {
    reject(error);
  }
}

function settleException<T>(future: Future<T>, resolve: (value: unknown) => void, reject: (reason: unknown) => void) {
  try {
    resolve(future.exceptionNow());
  } catch (error) {
    reject(error);
  }
}
