// The waiting machinery every primitive shares. Each algorithm is written once, as a generator that
// yields "sleep while cells[index] === value, until deadline" steps; `runSync` performs those steps
// with `Atomics.wait` (workers) and `runAsync` with `Atomics.waitAsync` (any thread, never blocks).
// So the blocking and the non-blocking method of a primitive can never drift apart.
import { isMainThread } from "node:worker_threads";
import { InvalidStateError } from "@cc/core";

/** One sleep request: wait while `cells[index] === value`, at most until `deadline` (ms, `now()` clock). */
export interface WaitStep {
  readonly cells: Int32Array;
  readonly index: number;
  readonly value: number;
  readonly deadline: number;
}

/** What a sleep ended with: woken by a notify, the value had already changed, or the deadline passed. */
export type WaitResult = "ok" | "not-equal" | "timed-out";

/** An algorithm that may sleep; it returns `T`. */
export type Steps<T> = Generator<WaitStep, T, WaitResult>;

/** The monotonic clock deadlines are measured on, in milliseconds. */
export function now(): number {
  return performance.now();
}

/** Spins a few times before sleeping: a lock is usually released within microseconds. */
export const SPIN = 64;

/**
 * Validates a `timeout` option (ms) and returns the absolute deadline. `undefined` and `Infinity` mean
 * no deadline; a negative timeout counts as 0 (an immediate try).
 */
export function deadlineOf(timeout: number | undefined, what: string): number {
  if (timeout === undefined) return Number.POSITIVE_INFINITY;
  if (typeof timeout !== "number") {
    throw new TypeError(`Cannot ${what} as 'timeout' must be a number of milliseconds: received ${describe(timeout)}`);
  }
  if (Number.isNaN(timeout)) throw new RangeError(`Cannot ${what} as 'timeout' must not be NaN: received NaN`);
  return now() + Math.max(0, timeout);
}

/** Quotes a bad argument for an error message. */
export function describe(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "object" && value !== null) {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** Throws when a blocking method is called on the main thread, where it would freeze the event loop. */
export function assertMayBlock(method: string, asyncMethod: string): void {
  if (isMainThread) {
    throw new InvalidStateError(
      `Cannot call ${method}() on the main thread: it would block the event loop; use 'await ${asyncMethod}()' instead`,
    );
  }
}

/** The timeout option, or a primitive's own default (Barrier) when it is `undefined` or `null`. */
function timeoutOf(options: { timeout?: number }, defaultTimeout: number | undefined): number | undefined {
  return defaultTimeout === undefined ? options.timeout : (options.timeout ?? defaultTimeout);
}

/**
 * The non-blocking form of a primitive's wait: checks the timeout (see `timeoutOf`), then runs the algorithm with {@linkcode runAsync}. A bad option becomes a
 * rejection, as every async method reports errors.
 */
export function waitAsync<T>(
  what: string,
  options: { timeout?: number; signal?: AbortSignal },
  steps: (deadline: number) => Steps<T>,
  defaultTimeout?: number,
): Promise<T> {
  try {
    return runAsync(steps(deadlineOf(timeoutOf(options, defaultTimeout), what)), options.signal);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The blocking form of a primitive's wait (`method`, e.g. `Lock.acquireSync`): refused on the main
 * thread (pointing at `asyncMethod`), otherwise the algorithm runs with {@linkcode runSync}.
 */
export function waitSync<T>(
  method: string,
  asyncMethod: string,
  what: string,
  options: { timeout?: number },
  steps: (deadline: number) => Steps<T>,
  defaultTimeout?: number,
): T {
  assertMayBlock(method, asyncMethod);
  return runSync(steps(deadlineOf(timeoutOf(options, defaultTimeout), what)));
}

/** Runs an algorithm to the end, sleeping with `Atomics.wait` (blocks the calling thread). */
export function runSync<T>(steps: Steps<T>): T {
  let r = steps.next("ok");
  while (!r.done) {
    const { cells, index, value, deadline } = r.value;
    const left = deadline - now();
    const result: WaitResult = left <= 0 ? "timed-out" : Atomics.wait(cells, index, value, left);
    r = steps.next(result);
  }
  return r.value;
}

/**
 * Runs an algorithm to the end, sleeping with `Atomics.waitAsync` (never blocks). If `signal` aborts while
 * the algorithm sleeps, its reason is thrown into the generator at that point, and whatever cleanup the
 * generator does (e.g. re-acquiring a lock) runs to the end before the promise rejects.
 *
 * A finite deadline is also kept by a timer, which lets fake timers drive timeouts in tests. A sleep given up early (timer or abort) may still take
 * a notification later; it passes that notification on, so no wake-up is lost.
 */
export async function runAsync<T>(steps: Steps<T>, signal?: AbortSignal): Promise<T> {
  let r = signal?.aborted ? steps.throw(signal.reason) : steps.next("ok");
  let watch = signal;
  while (!r.done) {
    const step = r.value;
    if (watch?.aborted) {
      const reason: unknown = watch.reason;
      watch = undefined;
      r = steps.throw(reason);
      continue;
    }
    const outcome = await sleepAsync(step, watch);
    if (outcome === ABORTED) {
      const reason: unknown = watch?.reason;
      watch = undefined;
      r = steps.throw(reason);
    } else {
      r = steps.next(outcome);
    }
  }
  return r.value;
}

const ABORTED = Symbol("aborted");

/** `Atomics.waitAsync` (Node 16+), typed here because the ES2023 lib does not declare it. */
type WaitAsync = (
  cells: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };
const atomicsWaitAsync: WaitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * `Atomics.waitAsync` alone does not keep Node alive, so a worker whose only job is `await lock.acquire()`
 * would exit (code 13, unsettled top-level await). While any async sleep is pending, one ref'd timer
 * keeps this thread alive, as a sleeping Python thread keeps its program alive.
 */
let sleepers = 0;
let endKeepAlive: (() => void) | undefined;

function keepAlive(): () => void {
  if (sleepers++ === 0) {
    const clear = clearInterval;
    const timer = setInterval(() => {}, 1 << 30);
    endKeepAlive = () => clear(timer);
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--sleepers === 0) {
      endKeepAlive?.();
      endKeepAlive = undefined;
    }
  };
}

function sleepAsync(step: WaitStep, signal: AbortSignal | undefined): Promise<WaitResult | typeof ABORTED> {
  const { cells, index, value, deadline } = step;
  const left = deadline - now();
  if (left <= 0) return Promise.resolve("timed-out");
  const finite = Number.isFinite(left);
  const waited = atomicsWaitAsync(cells, index, value, finite ? left : undefined);
  if (!waited.async) return Promise.resolve(waited.value);
  const release = keepAlive();
  return new Promise((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const clear = clearTimeout; // the same (real or fake) timers that set it
    const settle = (outcome: WaitResult | typeof ABORTED, abandon: boolean): void => {
      if (settled) return;
      settled = true;
      release();
      if (timer !== undefined) clear(timer);
      signal?.removeEventListener("abort", onAbort);
      if (abandon) {
        // This sleeper is gone but still queued in V8's waiter list: pass on a notification it takes.
        void waited.value.then((late) => {
          if (late === "ok") Atomics.notify(cells, index, 1);
        });
      }
      resolve(outcome);
    };
    const onAbort = (): void => settle(ABORTED, true);
    if (finite) timer = setTimeout(() => settle("timed-out", true), left);
    signal?.addEventListener("abort", onAbort, { once: true });
    void waited.value.then((result) => settle(result, false));
  });
}
