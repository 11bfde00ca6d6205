/**
 * `Event`: Python's `asyncio.Event`.
 *
 * @module
 */
import { abortable } from "./_abortable.ts";
import { checkSignal, type Deferred, deferred } from "./_util.ts";
import type { WaitOptions } from "./semaphore.ts";

/**
 * A flag that tasks can wait for (Python's `asyncio.Event`): `set()` wakes every waiter,
 * `clear()` resets it. (Named `Event` like Python's; it shadows the DOM's `Event` where imported.)
 *
 * @example
 * ```ts
 * import { Event } from "@cc/async";
 * const ready = new Event();
 * const waiter = ready.wait();
 * ready.set();
 * console.assert((await waiter) === true && ready.isSet());
 * ```
 */
export class Event {
  #set = false;
  #waiters: Deferred<true> | undefined;

  /**
   * True if the flag is set.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/async";
   * const e = new Event();
   * console.assert(!e.isSet());
   * e.set();
   * console.assert(e.isSet());
   * ```
   */
  isSet(): boolean {
    return this.#set;
  }

  /**
   * Sets the flag and wakes every waiter.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/async";
   * const e = new Event();
   * const waiting = e.wait();
   * e.set(); // wakes every waiter
   * console.assert((await waiting) === true);
   * ```
   */
  set(): void {
    if (this.#set) return;
    this.#set = true;
    this.#waiters?.resolve(true);
    this.#waiters = undefined;
  }

  /**
   * Clears the flag.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/async";
   * const e = new Event();
   * e.set();
   * e.clear();
   * console.assert(!e.isSet());
   * ```
   */
  clear(): void {
    this.#set = false;
  }

  /**
   * Resolves to `true` once the flag is set; rejects with `signal.reason` on abort.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/async";
   * const e = new Event();
   * setTimeout(() => e.set(), 5);
   * console.assert((await e.wait({ signal: AbortSignal.timeout(5_000) })) === true);
   * ```
   */
  wait(options?: WaitOptions): Promise<true> {
    const signal = checkSignal(options?.signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#set) return Promise.resolve(true);
    const d = (this.#waiters ??= deferred<true>());
    return abortable(d.promise, signal);
  }
}
