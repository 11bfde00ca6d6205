/**
 * {@linkcode Condition}, Python's `threading.Condition` across worker threads.
 *
 * @module
 */
import { InvalidStateError, SHAREABLE, type Shareable, type SharedHandle } from "@cc/core";
import { adopt, cellsOf, LOCK_INTERNALS, sharedCells, takeAdopted } from "./_shared.ts";
import { describe, type Steps, type WaitResult, waitAsync, waitSync } from "./_wait.ts";
import { Lock } from "./lock.ts";
import { RLock } from "./rlock.ts";
import type { WaitOptions, WaitSyncOptions } from "./wait_options.ts";

// Cells: SEQ changes on every notify (sleepers wait on it); WAITERS counts threads inside wait();
// TOKENS counts notifications granted and not yet taken. WAITERS and grants change under the lock;
// a waking thread takes a token with a compare-and-swap. So notify(n) lets at most n waiters return
// true, whichever of them wakes first, and a notification is never lost.
const SEQ = 0;
const WAITERS = 1;
const TOKENS = 2;
const CELLS = 3;

/** Lock in the slot `fromShared` passes to the constructor, with the cells. */
let adoptedLock: Lock | RLock | undefined;

/**
 * A condition variable shared by worker threads (Python's `threading.Condition`): threads holding
 * its lock wait until another thread changes some shared state and notifies them. The lock is an
 * {@linkcode RLock} unless one is given (a {@linkcode Lock} or `RLock`); the condition's `acquire`,
 * `release` and `hold` methods are the lock's.
 *
 * A waiter releases the lock while it sleeps and holds it again when `wait` returns, also when the
 * wait times out or its signal aborts. `notify(n)` wakes at most `n` of the threads waiting at that
 * moment, not necessarily the oldest; a waiter whose signal aborts as it is notified passes the
 * notification on. As in Python, re-check the shared state after waking (or use `waitFor`).
 *
 * @example Waiting for shared state from the main thread
 * ```ts
 * import { Condition } from "@cc/threads";
 * const ready = new Int32Array(new SharedArrayBuffer(4));
 * const cond = new Condition();
 * setTimeout(async () => {
 *   await using _ = await cond.hold();
 *   Atomics.store(ready, 0, 1);
 *   cond.notifyAll();
 * });
 * await using _ = await cond.hold();
 * console.assert(await cond.waitFor(() => Atomics.load(ready, 0) === 1));
 * ```
 */
export class Condition implements Shareable {
  readonly #cells: Int32Array;
  /** The lock of this condition. */
  readonly lock: Lock | RLock;

  /**
   * Creates a condition on `lock`, or on a new `RLock`.
   *
   * @param lock A `Lock` or `RLock` of this package.
   * @throws {TypeError} If `lock` is something else.
   */
  constructor(lock?: Lock | RLock) {
    const cells = takeAdopted();
    if (cells !== undefined && adoptedLock !== undefined) {
      this.#cells = cells;
      this.lock = adoptedLock;
      return;
    }
    if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw new TypeError(`Cannot create a Condition as 'lock' must be a Lock or an RLock: received ${describe(lock)}`);
    }
    this.lock = lock ?? new RLock();
    this.#cells = sharedCells(CELLS);
  }

  /**
   * Rebuilds a condition (and its lock) over the memory of another one, from its `[SHAREABLE]()` state.
   *
   * @param state The `state` of a `Condition`'s shared handle.
   * @returns A condition sharing that memory.
   * @throws {TypeError} If `state` is not such a state.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * const copy = Condition.fromShared(structuredClone(cond[SHAREABLE]().state));
   * await cond.acquire();
   * console.assert(copy.lock.locked());
   * ```
   */
  static fromShared(state: unknown): Condition {
    const cells = cellsOf(state, CELLS, "Condition");
    const handle = (state as { lock?: { name?: unknown; state?: unknown } }).lock;
    let lock: Lock | RLock;
    if (handle?.name === "Lock") lock = Lock.fromShared(handle.state);
    else if (handle?.name === "RLock") lock = RLock.fromShared(handle.state);
    else {
      throw new TypeError(
        `Cannot rebuild Condition from shared state as 'lock' must be the handle of a Lock or an RLock: received ${describe(handle)}`,
      );
    }
    adoptedLock = lock;
    try {
      return adopt(cells, () => new Condition());
    } finally {
      adoptedLock = undefined;
    }
  }

  /**
   * Acquires the condition's lock without blocking the event loop (see `Lock.acquire`).
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` once acquired, `false` if the timeout passed first.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/threads";
   * console.assert(await new Condition().acquire());
   * ```
   */
  acquire(options: WaitOptions = {}): Promise<boolean> {
    return this.lock.acquire(options);
  }

  /**
   * Acquires the condition's lock, blocking the calling worker thread.
   *
   * @param options Timeout (ms).
   * @returns `true` once acquired, `false` if the timeout passed first.
   * @throws {InvalidStateError} On the main thread.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Condition } from "@cc/threads";
   * console.assert(new Condition().acquireSync());
   * ```
   */
  acquireSync(options: WaitSyncOptions = {}): boolean {
    return this.lock.acquireSync(options);
  }

  /**
   * Releases the condition's lock.
   *
   * @throws {InvalidStateError} If the lock is not held.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * await cond.acquire();
   * cond.release();
   * console.assert(!cond.lock.locked());
   * ```
   */
  release(): void {
    this.lock.release();
  }

  /**
   * Acquires the lock and returns a handle that releases it when disposed (Python's `with cond:`).
   *
   * @param options Timeout (ms) and abort signal.
   * @returns A disposable that releases the lock (once).
   * @throws {TimeoutError} If the timeout passes first.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * {
   *   await using _ = await cond.hold();
   *   cond.notify();
   * }
   * console.assert(!cond.lock.locked());
   * ```
   */
  hold(options: WaitOptions = {}): Promise<Disposable> {
    return this.lock.hold(options);
  }

  /**
   * Blocking form of {@linkcode Condition.hold}, for worker threads.
   *
   * @param options Timeout (ms).
   * @returns A disposable that releases the lock (once).
   * @throws {TimeoutError} If the timeout passes first.
   * @throws {InvalidStateError} On the main thread.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * using _ = cond.holdSync();
   * ```
   */
  holdSync(options: WaitSyncOptions = {}): Disposable {
    return this.lock.holdSync(options);
  }

  /**
   * Releases the lock, waits until notified (without blocking the event loop), then takes the lock
   * back. The lock must be held.
   *
   * @param options Timeout (ms) and abort signal. On abort the lock is taken back, then the promise
   * rejects with `signal.reason`.
   * @returns `true` if notified, `false` if the timeout passed first (Python's return value).
   * @throws {InvalidStateError} If the lock is not held by this thread.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * await using _ = await cond.hold();
   * console.assert((await cond.wait({ timeout: 10 })) === false);
   * console.assert(cond.lock.locked());
   * ```
   */
  wait(options: WaitOptions = {}): Promise<boolean> {
    return waitAsync("wait on a Condition", options, (deadline) => this.#waitSteps(deadline));
  }

  /**
   * Blocking form of {@linkcode Condition.wait}, for worker threads.
   *
   * @param options Timeout (ms).
   * @returns `true` if notified, `false` if the timeout passed first.
   * @throws {InvalidStateError} On the main thread, or if the lock is not held.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * using _ = cond.holdSync();
   * console.assert(cond.waitSync({ timeout: 10 }) === false);
   * ```
   */
  waitSync(options: WaitSyncOptions = {}): boolean {
    return waitSync("Condition.waitSync", "condition.wait", "wait on a Condition", options, (deadline) =>
      this.#waitSteps(deadline),
    );
  }

  /**
   * Waits until `predicate()` is truthy (Python's `wait_for`): checks it, then waits and checks again
   * after each wake-up. The lock must be held; `predicate` runs with it held.
   *
   * @typeParam T The predicate's result.
   * @param predicate Reads the shared state.
   * @param options Timeout (ms, for the whole wait) and abort signal.
   * @returns The predicate's last result (falsy only if the timeout passed).
   * @throws {InvalidStateError} If the lock is not held by this thread.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * await using _ = await cond.hold();
   * console.assert((await cond.waitFor(() => 0, { timeout: 10 })) === 0);
   * ```
   */
  waitFor<T>(predicate: () => T, options: WaitOptions = {}): Promise<T> {
    return waitAsync("wait on a Condition", options, (deadline) => this.#waitForSteps(predicate, deadline));
  }

  /**
   * Blocking form of {@linkcode Condition.waitFor}, for worker threads.
   *
   * @typeParam T The predicate's result.
   * @param predicate Reads the shared state.
   * @param options Timeout (ms, for the whole wait).
   * @returns The predicate's last result.
   * @throws {InvalidStateError} On the main thread, or if the lock is not held.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * using _ = cond.holdSync();
   * console.assert(cond.waitForSync(() => true));
   * ```
   */
  waitForSync<T>(predicate: () => T, options: WaitSyncOptions = {}): T {
    return waitSync("Condition.waitForSync", "condition.waitFor", "wait on a Condition", options, (deadline) =>
      this.#waitForSteps(predicate, deadline),
    );
  }

  /**
   * Wakes up to `n` threads waiting on this condition (see the class notes). The lock must be held.
   *
   * @param n How many waiters to wake; a non-negative integer.
   * @throws {InvalidStateError} If the lock is not held by this thread.
   * @throws {RangeError} If `n` is negative or not an integer.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * await using _ = await cond.hold();
   * cond.notify(2);
   * ```
   */
  notify(n = 1): void {
    if (typeof n !== "number") {
      throw new TypeError(`Cannot notify a Condition as 'n' must be a number: received ${describe(n)}`);
    }
    if (!(n >= 0) || (!Number.isInteger(n) && n !== Number.POSITIVE_INFINITY)) {
      throw new RangeError(`Cannot notify a Condition as 'n' must be a non-negative integer: received ${describe(n)}`);
    }
    if (!this.lock[LOCK_INTERNALS].isOwned()) {
      throw new InvalidStateError("Cannot notify on a Condition whose lock is not acquired");
    }
    this.#grant(n);
  }

  /**
   * Wakes every thread waiting on this condition. The lock must be held.
   *
   * @throws {InvalidStateError} If the lock is not held by this thread.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/threads";
   * const cond = new Condition();
   * await using _ = await cond.hold();
   * cond.notifyAll();
   * ```
   */
  notifyAll(): void {
    this.notify(Number.POSITIVE_INFINITY);
  }

  /**
   * The handle that rebuilds this condition, with its lock, in another thread.
   *
   * @returns `{ url, name: "Condition", state: { cells, lock: <the lock's handle> } }`.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Condition } from "@cc/threads";
   * console.assert(new Condition()[SHAREABLE]().name === "Condition");
   * ```
   */
  [SHAREABLE](): SharedHandle {
    const lock = this.lock[SHAREABLE]();
    return {
      url: import.meta.url,
      name: "Condition",
      state: { cells: this.#cells, lock: { name: lock.name, state: lock.state } },
    };
  }

  *#waitSteps(deadline: number): Steps<boolean> {
    const internals = this.lock[LOCK_INTERNALS];
    if (!internals.isOwned()) throw new InvalidStateError("Cannot wait on a Condition whose lock is not acquired");
    const cells = this.#cells;
    Atomics.add(cells, WAITERS, 1);
    // Read under the lock: a notifier holds the lock too, so it cannot slip between this and our sleep.
    let seq = Atomics.load(cells, SEQ);
    const saved = internals.releaseSave();
    let notified = false;
    let interrupted: { reason: unknown } | undefined;
    try {
      for (;;) {
        const result: WaitResult = yield { cells, index: SEQ, value: seq, deadline };
        seq = Atomics.load(cells, SEQ);
        if ((notified = this.#takeToken()) || result === "timed-out") break;
      }
    } catch (reason) {
      interrupted = { reason };
    }
    try {
      yield* internals.acquireRestore(saved);
    } catch (reason) {
      interrupted ??= { reason };
    }
    // Holding the lock again. A timed-out waiter that finds a token was notified after all.
    notified ||= this.#takeToken();
    Atomics.sub(cells, WAITERS, 1);
    if (interrupted !== undefined) {
      if (notified) this.#grant(1); // pass the notification on
      throw interrupted.reason;
    }
    return notified;
  }

  /** Grants up to `n` notifications to waiters that have none yet, and wakes as many. Lock held. */
  #grant(n: number): void {
    const cells = this.#cells;
    const k = Math.min(n, Atomics.load(cells, WAITERS) - Atomics.load(cells, TOKENS));
    if (k <= 0) return;
    Atomics.add(cells, TOKENS, k);
    Atomics.add(cells, SEQ, 1);
    Atomics.notify(cells, SEQ, k);
  }

  #takeToken(): boolean {
    const cells = this.#cells;
    let seen = Atomics.load(cells, TOKENS);
    while (seen > 0) {
      const before = Atomics.compareExchange(cells, TOKENS, seen, seen - 1);
      if (before === seen) return true;
      seen = before;
    }
    return false;
  }

  *#waitForSteps<T>(predicate: () => T, deadline: number): Steps<T> {
    let result = predicate();
    while (!result) {
      if (!(yield* this.#waitSteps(deadline))) return predicate();
      result = predicate();
    }
    return result;
  }
}
