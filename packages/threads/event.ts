/**
 * {@linkcode Event}, Python's `threading.Event` across worker threads.
 *
 * @module
 */
import { SHAREABLE, type Shareable, type SharedHandle } from "@cc/core";
import { adopt, cellsOf, sharedCells, takeAdopted } from "./_shared.ts";
import { type Steps, waitAsync, waitSync } from "./_wait.ts";
import type { WaitOptions, WaitSyncOptions } from "./wait_options.ts";

const FLAG = 0;

/**
 * A flag shared by worker threads that threads can wait for (Python's `threading.Event`): `set()`
 * wakes every waiter, `clear()` makes later waits wait again.
 *
 * This class shares its name with the DOM `Event` global; import it under another name if a module
 * needs both (`import { Event as ThreadEvent } from "@cc/threads"`).
 *
 * @example Waking a waiter
 * ```ts
 * import { Event } from "@cc/threads";
 * const ready = new Event();
 * const waiting = ready.wait();
 * ready.set();
 * console.assert((await waiting) === true && ready.isSet());
 * ```
 */
export class Event implements Shareable {
  readonly #cells: Int32Array;

  /** Creates an event whose flag is not set. */
  constructor() {
    this.#cells = takeAdopted() ?? sharedCells(1);
  }

  /**
   * Rebuilds an event over the memory of another one, from its `[SHAREABLE]()` state.
   *
   * @param state The `state` of an `Event`'s shared handle.
   * @returns An event sharing that memory.
   * @throws {TypeError} If `state` is not such a state.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Event } from "@cc/threads";
   * const event = new Event();
   * Event.fromShared(structuredClone(event[SHAREABLE]().state)).set();
   * console.assert(event.isSet());
   * ```
   */
  static fromShared(state: unknown): Event {
    return adopt(cellsOf(state, 1, "Event"), () => new Event());
  }

  /**
   * Whether the flag is set.
   *
   * @returns `true` if set.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/threads";
   * console.assert(!new Event().isSet());
   * ```
   */
  isSet(): boolean {
    return Atomics.load(this.#cells, FLAG) === 1;
  }

  /**
   * Sets the flag and wakes every thread waiting for it.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/threads";
   * const event = new Event();
   * event.set();
   * console.assert(event.isSet());
   * ```
   */
  set(): void {
    Atomics.store(this.#cells, FLAG, 1);
    Atomics.notify(this.#cells, FLAG);
  }

  /**
   * Clears the flag: later waits wait until the next `set()`.
   *
   * @example
   * ```ts
   * import { Event } from "@cc/threads";
   * const event = new Event();
   * event.set();
   * event.clear();
   * console.assert(!event.isSet());
   * ```
   */
  clear(): void {
    Atomics.store(this.#cells, FLAG, 0);
  }

  /**
   * Waits until the flag is set, without blocking the event loop.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` once the flag is set, `false` if the timeout passed first (Python's return value).
   *
   * @example
   * ```ts
   * import { Event } from "@cc/threads";
   * console.assert((await new Event().wait({ timeout: 10 })) === false);
   * ```
   */
  wait(options: WaitOptions = {}): Promise<boolean> {
    return waitAsync("wait for an Event", options, (deadline) => this.#waitSteps(deadline));
  }

  /**
   * Waits until the flag is set, blocking the calling worker thread.
   *
   * @param options Timeout (ms).
   * @returns `true` once the flag is set, `false` if the timeout passed first.
   * @throws {InvalidStateError} On the main thread.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Event } from "@cc/threads";
   * console.assert(new Event().waitSync({ timeout: 10 }) === false);
   * ```
   */
  waitSync(options: WaitSyncOptions = {}): boolean {
    return waitSync("Event.waitSync", "event.wait", "wait for an Event", options, (deadline) =>
      this.#waitSteps(deadline),
    );
  }

  /**
   * The handle that rebuilds this event in another thread.
   *
   * @returns `{ url, name: "Event", state: { cells } }`.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Event } from "@cc/threads";
   * console.assert(new Event()[SHAREABLE]().name === "Event");
   * ```
   */
  [SHAREABLE](): SharedHandle {
    return { url: import.meta.url, name: "Event", state: { cells: this.#cells } };
  }

  *#waitSteps(deadline: number): Steps<boolean> {
    const cells = this.#cells;
    while (Atomics.load(cells, FLAG) === 0) {
      const result = yield { cells, index: FLAG, value: 0, deadline };
      if (result === "timed-out") return this.isSet();
    }
    return true;
  }
}
