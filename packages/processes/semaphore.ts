/**
 * {@linkcode Semaphore} and {@linkcode BoundedSemaphore}: Python's `multiprocessing.Semaphore` and
 * `multiprocessing.BoundedSemaphore`, shared by the process that makes them and its child processes.
 *
 * @module
 */

import { attach, BrokerProxy, HANDLE, invoke, registerKind, serve } from "./_broker_client.ts";
import { SemaphoreObject } from "./_broker_sync.ts";
import { hold } from "./_hold.ts";
import { timeoutOf, type WaitOptions } from "./wait_options.ts";

let counter = 0;

/**
 * A counter of permits shared by processes (Python's `multiprocessing.Semaphore`): `acquire()` takes
 * one, waiting while there is none (waiters are served first come, first served); `release()` gives
 * one back. Permits have no owner: a process that ends holding some does not give them back (as in
 * Python).
 *
 * @example At most two at a time
 * ```ts
 * import { Semaphore } from "@cc/processes";
 * const slots = new Semaphore(2);
 * console.assert(await slots.acquire());
 * console.assert(await slots.acquire());
 * console.assert(!(await slots.acquire({ timeout: 0 })));
 * await slots.release();
 * console.assert((await slots.getValue()) === 1);
 * ```
 */
export class Semaphore extends BrokerProxy {
  /**
   * @param value The initial number of permits (Python's `value`).
   * @throws {RangeError} If `value` is not an integer >= 0.
   */
  constructor(value = 1) {
    super();
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      throw new RangeError(`value must be an integer >= 0, got ${String(value)}`);
    }
    const bounded = new.target === BoundedSemaphore;
    const name = `${bounded ? "BoundedSemaphore" : "Semaphore"}-${++counter}`;
    attach(this, serve(bounded ? "BoundedSemaphore" : "Semaphore", new SemaphoreObject(value, bounded, name)));
  }

  /**
   * Takes a permit, waiting until there is one (Python's `acquire`).
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` once taken, `false` if the timeout passed first.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/processes";
   * const s = new Semaphore(0);
   * console.assert(!(await s.acquire({ timeout: 10 })));
   * ```
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    return invoke(this[HANDLE], "acquire", [timeoutOf(options)], options?.signal) as Promise<boolean>;
  }

  /**
   * Gives `n` permits back, waking as many waiters (Python's `release(n)`).
   *
   * @param n How many permits.
   * @returns Once released.
   * @throws {RangeError} If `n` is not an integer >= 1, or (bounded) it would exceed the initial value.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/processes";
   * const s = new Semaphore(0);
   * await s.release(2);
   * console.assert((await s.getValue()) === 2);
   * ```
   */
  release(n = 1): Promise<void> {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
      return Promise.reject(new RangeError(`n must be an integer >= 1, got ${String(n)}`));
    }
    return invoke(this[HANDLE], "release", [n]) as Promise<void>;
  }

  /**
   * The number of free permits now (Python's `get_value`).
   *
   * @returns The number of permits.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/processes";
   * console.assert((await new Semaphore(3).getValue()) === 3);
   * ```
   */
  getValue(): Promise<number> {
    return invoke(this[HANDLE], "value", []) as Promise<number>;
  }

  /**
   * Takes a permit and returns a handle that gives it back when disposed: Python's `with sem:` is
   * `await using _ = await sem.hold()`.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns An async disposable that releases the permit (once).
   * @throws {TimeoutError} If the timeout passes first.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/processes";
   * const s = new Semaphore(1);
   * {
   *   await using _ = await s.hold();
   *   console.assert((await s.getValue()) === 0);
   * }
   * console.assert((await s.getValue()) === 1);
   * ```
   */
  hold(options?: WaitOptions): Promise<AsyncDisposable> {
    return hold(this, options);
  }
}

/**
 * A {@linkcode Semaphore} that refuses to be released above its initial value (Python's
 * `multiprocessing.BoundedSemaphore`): such a `release()` rejects with `RangeError` (Python's
 * `ValueError`), which finds a release too many.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from "@cc/processes";
 * const s = new BoundedSemaphore(1);
 * let refused = false;
 * try { await s.release(); } catch (e) { refused = e instanceof RangeError; }
 * console.assert(refused);
 * ```
 */
export class BoundedSemaphore extends Semaphore {}

registerKind("Semaphore", import.meta.url, Semaphore);
registerKind("BoundedSemaphore", import.meta.url, BoundedSemaphore);
