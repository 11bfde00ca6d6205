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

  /** True if the flag is set. */
  isSet(): boolean {
    return this.#set;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    if (this.#set) return;
    this.#set = true;
    this.#waiters?.resolve(true);
    this.#waiters = undefined;
  }

  /** Clears the flag. */
  clear(): void {
    this.#set = false;
  }

  /** Resolves to `true` once the flag is set; rejects with `signal.reason` on abort. */
  wait(options?: WaitOptions): Promise<true> {
    const signal = checkSignal(options?.signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#set) return Promise.resolve(true);
    const d = (this.#waiters ??= deferred<true>());
    return abortable(d.promise, signal);
  }
}
