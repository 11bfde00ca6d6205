/**
 * Private helpers of @cc/async: value descriptions for error messages, argument checks, timers
 * that honour huge delays, and a shared never-aborting signal.
 *
 * @module
 */

/** Largest delay `setTimeout` accepts (2^31 − 1 ms); longer ones fire at once in Node. */
export const MAX_TIMER = 0x7fffffff;

/** Describes a value for an error message: strings quoted, others `String()`ed. */
export function describe(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "an object";
  }
  return String(value);
}

/**
 * Checks a delay in ms: a number that is not NaN. Negative becomes 0; `Infinity` stays (never fires).
 * @throws {TypeError} If `ms` is not a number
 * @throws {RangeError} If `ms` is NaN
 */
export function checkDelay(ms: unknown, what: string): number {
  if (typeof ms !== "number")
    throw new TypeError(`Cannot use ${what} as it must be a number of ms: received ${describe(ms)}`);
  if (Number.isNaN(ms)) throw new RangeError(`Cannot use ${what} as it must not be NaN: received NaN`);
  return ms < 0 ? 0 : ms;
}

/** Checks an integer ≥ `min` (or `Infinity` when allowed). */
export function checkCount(value: unknown, what: string, min: number, allowInfinity = false): number {
  if (typeof value !== "number")
    throw new TypeError(`Cannot use ${what} as it must be a number: received ${describe(value)}`);
  if (!(Number.isInteger(value) || (allowInfinity && value === Number.POSITIVE_INFINITY)) || value < min) {
    throw new RangeError(
      `Cannot use ${what} as it must be an integer >= ${min}${allowInfinity ? " or Infinity" : ""}: received ${describe(value)}`,
    );
  }
  return value;
}

/** Checks that `fn` is a function. */
export function checkFunction(fn: unknown, what: string): void {
  if (typeof fn !== "function")
    throw new TypeError(`Cannot use ${what} as it must be a function: received ${describe(fn)}`);
}

/** Checks an optional AbortSignal. */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError(`Cannot use options.signal as it must be an AbortSignal: received ${describe(signal)}`);
  }
  return signal;
}

/** A cancellable timer that honours delays above 2^31 − 1 ms (chained) and never fires for `Infinity`. */
export class LongTimer {
  #handle: ReturnType<typeof setTimeout> | undefined;
  #fn: () => void;
  #due = 0;
  constructor(fn: () => void, ms: number) {
    this.#fn = fn;
    this.schedule(ms);
  }
  /** (Re)schedules the timer `ms` from now. */
  schedule(ms: number): void {
    this.clear();
    if (ms === Number.POSITIVE_INFINITY) return;
    this.#due = Date.now() + ms;
    this.#arm(ms);
  }
  #arm(ms: number): void {
    if (ms > MAX_TIMER) {
      this.#handle = setTimeout(() => this.#arm(this.#due - Date.now()), MAX_TIMER);
    } else {
      this.#handle = setTimeout(this.#fire, Math.max(ms, 0));
    }
  }
  #fire = (): void => {
    this.#handle = undefined;
    this.#fn();
  };
  /** Cancels the timer. */
  clear(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

/** A signal that never aborts, for APIs that always hand a signal to user code. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** True if `error` means "cancelled": a CancelledError or an AbortError (by name). */
export function isCancellation(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const name = (error as { name?: unknown }).name;
  return name === "CancelledError" || name === "AbortError";
}

/** `new Promise` with its settle functions, for Node 20 (no `Promise.withResolvers`). */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason: unknown) => void;
}

/** Creates a {@linkcode Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
