/**
 * {@linkcode Semaphore} and {@linkcode BoundedSemaphore}, Python's `threading` semaphores across
 * worker threads.
 *
 * @module
 */
import { SHAREABLE, type Shareable, type SharedHandle, TimeoutError } from "@cc/core";
import { adopt, cellsOf, releaser, sharedCells, takeAdopted } from "./_shared.ts";
import { describe, SPIN, type Steps, waitAsync, waitSync } from "./_wait.ts";
import type { WaitOptions, WaitSyncOptions } from "./wait_options.ts";

const VALUE = 0;
const WAITERS = 1;
/** The bound of a BoundedSemaphore, or -1. */
const BOUND = 2;
const CELLS = 3;

/**
 * A counter shared by worker threads that limits how many of them do something at once (Python's
 * `threading.Semaphore`). `acquire()` takes one unit, waiting while the counter is 0; `release(n)`
 * gives units back and wakes as many sleepers.
 *
 * Not fair: sleepers are woken oldest first, but a thread arriving at that moment may take the unit
 * first. A woken thread that loses that race goes back to sleep; no wake-up is lost.
 *
 * @example At most two at a time
 * ```ts
 * import { Semaphore } from "@cc/threads";
 * const slots = new Semaphore(2);
 * console.assert(slots.tryAcquire() && slots.tryAcquire() && !slots.tryAcquire());
 * slots.release();
 * console.assert(slots.value === 1);
 * ```
 */
export class Semaphore implements Shareable {
  readonly #cells: Int32Array;

  /**
   * Creates a semaphore with `value` units.
   *
   * @param value The initial counter; a non-negative integer below 2³¹.
   * @throws {TypeError} If `value` is not a number.
   * @throws {RangeError} If `value` is negative, not an integer or too large.
   */
  constructor(value = 1) {
    const adopted = takeAdopted();
    if (adopted !== undefined) {
      this.#cells = adopted;
      return;
    }
    const what = new.target === BoundedSemaphore ? "BoundedSemaphore" : "Semaphore";
    checkCount(value, `create a ${what}`, "value", 0);
    this.#cells = sharedCells(CELLS);
    this.#cells[VALUE] = value;
    this.#cells[BOUND] = new.target === BoundedSemaphore ? value : -1;
  }

  /**
   * Rebuilds a semaphore over the memory of another one, from its `[SHAREABLE]()` state. A bounded
   * semaphore's state keeps its bound.
   *
   * @param state The `state` of a semaphore's shared handle.
   * @returns A semaphore sharing that memory.
   * @throws {TypeError} If `state` is not such a state.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Semaphore } from "@cc/threads";
   * const slots = new Semaphore(3);
   * const copy = Semaphore.fromShared(structuredClone(slots[SHAREABLE]().state));
   * copy.tryAcquire();
   * console.assert(slots.value === 2);
   * ```
   */
  static fromShared(state: unknown): Semaphore {
    const cells = cellsOf(state, CELLS, "Semaphore");
    return adopt(cells, () => (Atomics.load(cells, BOUND) < 0 ? new Semaphore() : new BoundedSemaphore()));
  }

  /**
   * The current counter (Python's `_value`); it may change as soon as it is read.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/threads";
   * console.assert(new Semaphore(5).value === 5);
   * ```
   */
  get value(): number {
    return Atomics.load(this.#cells, VALUE);
  }

  /**
   * Takes one unit, waiting without blocking the event loop while there is none.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` once a unit was taken, `false` if the timeout passed first.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/threads";
   * const slots = new Semaphore(1);
   * console.assert(await slots.acquire());
   * console.assert(!(await slots.acquire({ timeout: 10 })));
   * ```
   */
  acquire(options: WaitOptions = {}): Promise<boolean> {
    return waitAsync("acquire a Semaphore", options, (deadline) => this.#acquireSteps(deadline));
  }

  /**
   * Takes one unit, blocking the calling worker thread while there is none.
   *
   * @param options Timeout (ms).
   * @returns `true` once a unit was taken, `false` if the timeout passed first.
   * @throws {InvalidStateError} On the main thread.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Semaphore } from "@cc/threads";
   * console.assert(new Semaphore(1).acquireSync({ timeout: 100 }));
   * ```
   */
  acquireSync(options: WaitSyncOptions = {}): boolean {
    return waitSync("Semaphore.acquireSync", "semaphore.acquire", "acquire a Semaphore", options, (deadline) =>
      this.#acquireSteps(deadline),
    );
  }

  /**
   * Takes one unit if there is one, without waiting.
   *
   * @returns `true` if a unit was taken.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/threads";
   * console.assert(!new Semaphore(0).tryAcquire());
   * ```
   */
  tryAcquire(): boolean {
    const cells = this.#cells;
    let seen = Atomics.load(cells, VALUE);
    while (seen > 0) {
      const before = Atomics.compareExchange(cells, VALUE, seen, seen - 1);
      if (before === seen) return true;
      seen = before;
    }
    return false;
  }

  /**
   * Gives back `n` units and wakes up to `n` waiting threads. Any thread may release.
   *
   * @param n How many units; a positive integer.
   * @throws {RangeError} If `n` is not a positive integer, or (BoundedSemaphore) if the counter would
   * go above its initial value (Python's ValueError).
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/threads";
   * const slots = new Semaphore(0);
   * slots.release(2);
   * console.assert(slots.value === 2);
   * ```
   */
  release(n = 1): void {
    const what = this instanceof BoundedSemaphore ? "BoundedSemaphore" : "Semaphore";
    checkCount(n, `release a ${what}`, "n", 1);
    const cells = this.#cells;
    const bound = Atomics.load(cells, BOUND);
    let seen = Atomics.load(cells, VALUE);
    for (;;) {
      const next = seen + n;
      if (bound >= 0 && next > bound) {
        throw new RangeError(
          `Cannot release a BoundedSemaphore above its initial value ${bound}: released too many times`,
        );
      }
      if (next > 0x7fffffff) throw new RangeError(`Cannot release a Semaphore above 2147483647: received ${n}`);
      const before = Atomics.compareExchange(cells, VALUE, seen, next);
      if (before === seen) break;
      seen = before;
    }
    // A sleeper registers in WAITERS before it sleeps, and sleeps only while VALUE is 0, so either it
    // sees our units or we see it here.
    if (Atomics.load(cells, WAITERS) > 0) Atomics.notify(cells, VALUE, n);
  }

  /**
   * Takes one unit and returns a handle that gives it back (once) when disposed.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns A disposable that releases the unit.
   * @throws {TimeoutError} If the timeout passes first.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/threads";
   * const slots = new Semaphore(1);
   * {
   *   await using _ = await slots.hold();
   *   console.assert(slots.value === 0);
   * }
   * console.assert(slots.value === 1);
   * ```
   */
  async hold(options: WaitOptions = {}): Promise<Disposable> {
    if (!(await this.acquire(options))) {
      throw new TimeoutError(`Semaphore.hold() timed out after ${options.timeout} ms`);
    }
    return releaser(() => this.release());
  }

  /**
   * Blocking form of {@linkcode Semaphore.hold}, for worker threads.
   *
   * @param options Timeout (ms).
   * @returns A disposable that releases the unit.
   * @throws {TimeoutError} If the timeout passes first.
   * @throws {InvalidStateError} On the main thread.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Semaphore } from "@cc/threads";
   * using _ = new Semaphore(1).holdSync();
   * ```
   */
  holdSync(options: WaitSyncOptions = {}): Disposable {
    if (!this.acquireSync(options))
      throw new TimeoutError(`Semaphore.holdSync() timed out after ${options.timeout} ms`);
    return releaser(() => this.release());
  }

  /**
   * The handle that rebuilds this semaphore in another thread.
   *
   * @returns `{ url, name: "Semaphore" | "BoundedSemaphore", state: { cells } }`.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { BoundedSemaphore } from "@cc/threads";
   * console.assert(new BoundedSemaphore(2)[SHAREABLE]().name === "BoundedSemaphore");
   * ```
   */
  [SHAREABLE](): SharedHandle {
    const name = Atomics.load(this.#cells, BOUND) < 0 ? "Semaphore" : "BoundedSemaphore";
    return { url: import.meta.url, name, state: { cells: this.#cells } };
  }

  *#acquireSteps(deadline: number): Steps<boolean> {
    for (let spin = 0; spin < SPIN; spin++) {
      if (this.tryAcquire()) return true;
    }
    const cells = this.#cells;
    for (;;) {
      Atomics.add(cells, WAITERS, 1);
      let result: string;
      try {
        if (this.tryAcquire()) return true;
        result = yield { cells, index: VALUE, value: 0, deadline };
      } finally {
        Atomics.sub(cells, WAITERS, 1);
      }
      if (this.tryAcquire()) return true;
      if (result === "timed-out") return false;
    }
  }
}

/**
 * A semaphore that refuses to be released above its initial value (Python's
 * `threading.BoundedSemaphore`), which catches a release without a matching acquire.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from "@cc/threads";
 * const slots = new BoundedSemaphore(1);
 * try {
 *   slots.release();
 * } catch (error) {
 *   console.assert(error instanceof RangeError);
 * }
 * ```
 */
export class BoundedSemaphore extends Semaphore {}

function checkCount(value: unknown, what: string, name: string, min: number): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${what} as '${name}' must be a number: received ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > 0x7fffffff) {
    const kind = min === 0 ? "a non-negative integer" : "a positive integer";
    throw new RangeError(`Cannot ${what} as '${name}' must be ${kind}: received ${describe(value)}`);
  }
}
