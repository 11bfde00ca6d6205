/**
 * {@linkcode Event}: Python's `multiprocessing.Event`, shared by the process that makes it and its
 * child processes.
 *
 * @module
 */

import { attach, BrokerProxy, HANDLE, invoke, registerKind, serve } from "./_broker_client.ts";
import { EventObject } from "./_broker_sync.ts";
import { timeoutOf, type WaitOptions } from "./wait_options.ts";

/**
 * A flag shared by processes (Python's `multiprocessing.Event`): `wait()` waits until some process
 * calls `set()`; `clear()` resets it.
 *
 * @example
 * ```ts
 * import { Event } from "@cc/processes";
 * const ready = new Event();
 * console.assert(!(await ready.wait({ timeout: 10 }))); // not set: times out
 * const waiting = ready.wait();
 * await ready.set();
 * console.assert((await waiting) && (await ready.isSet()));
 * ```
 */
export class Event extends BrokerProxy {
  /** Makes an event that is not set. */
  constructor() {
    super();
    attach(this, serve("Event", new EventObject()));
  }

  /**
   * Sets the flag and wakes every waiter (Python's `set`).
   *
   * @returns Once set.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/processes";
   * const e = new Event();
   * await e.set();
   * console.assert(await e.isSet());
   * ```
   */
  set(): Promise<void> {
    return invoke(this[HANDLE], "set", []) as Promise<void>;
  }

  /**
   * Resets the flag (Python's `clear`).
   *
   * @returns Once cleared.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/processes";
   * const e = new Event();
   * await e.set();
   * await e.clear();
   * console.assert(!(await e.isSet()));
   * ```
   */
  clear(): Promise<void> {
    return invoke(this[HANDLE], "clear", []) as Promise<void>;
  }

  /**
   * Whether the flag is set (Python's `is_set`).
   *
   * @returns `true` if set.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/processes";
   * console.assert(!(await new Event().isSet()));
   * ```
   */
  isSet(): Promise<boolean> {
    return invoke(this[HANDLE], "isSet", []) as Promise<boolean>;
  }

  /**
   * Waits until the flag is set (Python's `wait`).
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` once set, `false` if the timeout passed first.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/processes";
   * const e = new Event();
   * await e.set();
   * console.assert(await e.wait({ timeout: 0 }));
   * ```
   */
  wait(options?: WaitOptions): Promise<boolean> {
    return invoke(this[HANDLE], "wait", [timeoutOf(options)], options?.signal) as Promise<boolean>;
  }
}

registerKind("Event", import.meta.url, Event);
