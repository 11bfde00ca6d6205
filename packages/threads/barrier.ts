/**
 * {@linkcode Barrier}, Python's `threading.Barrier` across worker threads.
 *
 * @module
 */
import { SHAREABLE, type Shareable, type SharedHandle } from "@cc/core";
import { lockSteps, lockUninterruptibly, unlock } from "./_mutex.ts";
import { adopt, cellsOf, sharedCells, takeAdopted } from "./_shared.ts";
import { deadlineOf, describe, runSync, type Steps, type WaitResult, waitAsync, waitSync } from "./_wait.ts";
import type { WaitOptions, WaitSyncOptions } from "./wait_options.ts";

// Cells: an internal mutex and a condition sequence (held only for a few instructions, never across a
// wait), then the state of Python's implementation.
const MUTEX = 0;
const SEQ = 1;
const STATE = 2;
const COUNT = 3;
const PARTIES = 4;
const CELLS = 5;

const FILLING = 0;
const DRAINING = 1;
/** The last party runs the action outside the mutex; new arrivals wait, as while draining. */
const ACTING = 2;
const RESETTING = -1;
const BROKEN = -2;

const FOREVER = Number.POSITIVE_INFINITY;

/**
 * Raised by {@linkcode Barrier.wait} when the barrier is broken or reset while a thread waits, or
 * is already broken (Python's `threading.BrokenBarrierError`).
 *
 * @example
 * ```ts
 * import { Barrier, BrokenBarrierError } from "@cc/threads";
 * const barrier = new Barrier(2);
 * barrier.abort();
 * await barrier.wait().catch((error) => console.assert(error instanceof BrokenBarrierError));
 * ```
 */
export class BrokenBarrierError extends Error {
  override name = "BrokenBarrierError";
  constructor(message = "The barrier is broken", options?: ErrorOptions) {
    super(message, options);
  }
}

/** Options of {@linkcode Barrier}. */
export interface BarrierOptions {
  /**
   * Called by the last thread to arrive, before any thread is released. If it throws, the barrier
   * breaks and that thread's `wait` throws the error. Functions cannot cross threads: the action
   * runs only if the last thread's copy of the barrier has one (see {@linkcode Barrier.fromShared}).
   *
   * @default {undefined}
   */
  action?: () => void;
  /**
   * Default timeout (ms) of `wait` calls; a wait that times out breaks the barrier.
   *
   * @default {Infinity}
   */
  timeout?: number;
}

/**
 * A meeting point for a fixed number of threads (Python's `threading.Barrier`): each calls
 * `wait()`, and all are released together once `parties` threads are waiting. The barrier then
 * resets itself for the next round.
 *
 * A wait that times out or whose signal aborts breaks the barrier, as in Python: every waiting and
 * later `wait` throws {@linkcode BrokenBarrierError} until `reset()`.
 *
 * @example Two parties on the main thread
 * ```ts
 * import { Barrier } from "@cc/threads";
 * const barrier = new Barrier(2);
 * const indices = await Promise.all([barrier.wait(), barrier.wait()]);
 * console.assert(indices.sort().join() === "0,1");
 * ```
 */
export class Barrier implements Shareable {
  readonly #cells: Int32Array;
  readonly #action: (() => void) | undefined;
  readonly #timeout: number | undefined;

  /**
   * Creates a barrier for `parties` threads.
   *
   * @param parties How many threads must call `wait()`; a positive integer.
   * @param options The action and default timeout.
   * @throws {TypeError} If `parties` is not a number, `action` not a function or `timeout` not a number.
   * @throws {RangeError} If `parties` is not a positive integer.
   */
  constructor(parties: number, options: BarrierOptions = {}) {
    const { action, timeout } = options;
    if (action !== undefined && typeof action !== "function") {
      throw new TypeError(`Cannot create a Barrier as 'action' must be a function: received ${describe(action)}`);
    }
    if (timeout !== undefined) deadlineOf(timeout, "create a Barrier");
    this.#action = action;
    this.#timeout = timeout;
    const adopted = takeAdopted();
    if (adopted !== undefined) {
      this.#cells = adopted;
      return;
    }
    if (typeof parties !== "number") {
      throw new TypeError(`Cannot create a Barrier as 'parties' must be a number: received ${describe(parties)}`);
    }
    if (!Number.isInteger(parties) || parties < 1 || parties > 0x7fffffff) {
      throw new RangeError(
        `Cannot create a Barrier as 'parties' must be a positive integer: received ${describe(parties)}`,
      );
    }
    this.#cells = sharedCells(CELLS);
    this.#cells[PARTIES] = parties;
  }

  /**
   * Rebuilds a barrier over the memory of another one, from its `[SHAREABLE]()` state. The default
   * timeout travels with the state; an action cannot, so a thread that wants one passes it here.
   *
   * @param state The `state` of a `Barrier`'s shared handle.
   * @param options This copy's action, and a default timeout replacing the original's.
   * @returns A barrier sharing that memory.
   * @throws {TypeError} If `state` is not such a state.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Barrier } from "@cc/threads";
   * const barrier = new Barrier(2);
   * const copy = Barrier.fromShared(structuredClone(barrier[SHAREABLE]().state));
   * const indices = await Promise.all([barrier.wait(), copy.wait()]);
   * console.assert(indices.sort().join() === "0,1");
   * ```
   */
  static fromShared(state: unknown, options: BarrierOptions = {}): Barrier {
    const cells = cellsOf(state, CELLS, "Barrier");
    const timeout = (state as { timeout?: unknown }).timeout;
    const merged: BarrierOptions = { ...options };
    if (merged.timeout === undefined && typeof timeout === "number") merged.timeout = timeout;
    return adopt(cells, () => new Barrier(Atomics.load(cells, PARTIES), merged));
  }

  /**
   * How many threads must call `wait()` to pass the barrier.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/threads";
   * console.assert(new Barrier(3).parties === 3);
   * ```
   */
  get parties(): number {
    return Atomics.load(this.#cells, PARTIES);
  }

  /**
   * How many threads are waiting at the barrier now (Python's `n_waiting`).
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/threads";
   * const barrier = new Barrier(2);
   * const first = barrier.wait();
   * console.assert(barrier.nWaiting === 1);
   * await Promise.all([first, barrier.wait()]);
   * ```
   */
  get nWaiting(): number {
    return Atomics.load(this.#cells, STATE) === FILLING ? Atomics.load(this.#cells, COUNT) : 0;
  }

  /**
   * Whether the barrier is broken (by `abort()`, a timeout, an abort signal or a failing action).
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/threads";
   * const barrier = new Barrier(2);
   * barrier.abort();
   * console.assert(barrier.broken);
   * ```
   */
  get broken(): boolean {
    return Atomics.load(this.#cells, STATE) === BROKEN;
  }

  /**
   * Waits until `parties` threads wait, without blocking the event loop.
   *
   * @param options Timeout (ms; default: the barrier's) and abort signal; either breaks the barrier.
   * @returns This thread's arrival index, from 0 to `parties - 1` (the last to arrive gets `parties - 1`).
   * @throws {BrokenBarrierError} If the barrier is or becomes broken or is reset, or the timeout passes.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/threads";
   * console.assert((await new Barrier(1).wait()) === 0);
   * ```
   */
  wait(options: WaitOptions = {}): Promise<number> {
    return waitAsync("wait at a Barrier", options, (deadline) => this.#waitSteps(deadline), this.#timeout);
  }

  /**
   * Blocking form of {@linkcode Barrier.wait}, for worker threads.
   *
   * @param options Timeout (ms; default: the barrier's); a timeout breaks the barrier.
   * @returns This thread's arrival index.
   * @throws {BrokenBarrierError} If the barrier is or becomes broken or is reset, or the timeout passes.
   * @throws {InvalidStateError} On the main thread.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Barrier } from "@cc/threads";
   * console.assert(new Barrier(1).waitSync() === 0);
   * ```
   */
  waitSync(options: WaitSyncOptions = {}): number {
    return waitSync(
      "Barrier.waitSync",
      "barrier.wait",
      "wait at a Barrier",
      options,
      (deadline) => this.#waitSteps(deadline),
      this.#timeout,
    );
  }

  /**
   * Returns the barrier to its initial state; threads waiting at it throw {@linkcode BrokenBarrierError}.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/threads";
   * const barrier = new Barrier(2);
   * barrier.abort();
   * barrier.reset();
   * console.assert(!barrier.broken);
   * ```
   */
  reset(): void {
    this.#locked(() => {
      const cells = this.#cells;
      if (Atomics.load(cells, COUNT) > 0) {
        const state = Atomics.load(cells, STATE);
        if (state === FILLING || state === ACTING || state === BROKEN) Atomics.store(cells, STATE, RESETTING);
      } else {
        Atomics.store(cells, STATE, FILLING);
      }
      this.#notifyAll();
    });
  }

  /**
   * Breaks the barrier: threads waiting at it, and later `wait` calls, throw
   * {@linkcode BrokenBarrierError} until `reset()`.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/threads";
   * const barrier = new Barrier(3);
   * barrier.abort();
   * console.assert(barrier.broken);
   * ```
   */
  abort(): void {
    this.#locked(() => this.#break());
  }

  /**
   * The handle that rebuilds this barrier in another thread (without the action).
   *
   * @returns `{ url, name: "Barrier", state: { cells, timeout } }`.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Barrier } from "@cc/threads";
   * console.assert(new Barrier(2)[SHAREABLE]().name === "Barrier");
   * ```
   */
  [SHAREABLE](): SharedHandle {
    return { url: import.meta.url, name: "Barrier", state: { cells: this.#cells, timeout: this.#timeout } };
  }

  // Python's Barrier.wait, step for step; the mutex is held between the yields of the condition waits.
  *#waitSteps(deadline: number): Steps<number> {
    const cells = this.#cells;
    yield* lockSteps(cells, MUTEX, FOREVER);
    try {
      // _enter: wait while the previous round drains or resets.
      for (;;) {
        const state = Atomics.load(cells, STATE);
        if (state !== DRAINING && state !== RESETTING && state !== ACTING) break;
        yield* this.#condWait(FOREVER);
      }
      if (Atomics.load(cells, STATE) === BROKEN) throw new BrokenBarrierError();
      const index = Atomics.add(cells, COUNT, 1);
      try {
        if (index + 1 === Atomics.load(cells, PARTIES)) {
          yield* this.#release();
        } else {
          yield* this.#waitForRelease(deadline);
        }
        return index;
      } finally {
        // _exit: the last thread to leave lets the next round in.
        if (Atomics.sub(cells, COUNT, 1) === 1) {
          const state = Atomics.load(cells, STATE);
          if (state === DRAINING || state === RESETTING) {
            Atomics.store(cells, STATE, FILLING);
            this.#notifyAll();
          }
        }
      }
    } finally {
      unlock(cells, MUTEX);
    }
  }

  *#release(): Steps<void> {
    const cells = this.#cells;
    const action = this.#action;
    if (action !== undefined) {
      Atomics.store(cells, STATE, ACTING);
      unlock(cells, MUTEX);
      let failure: { error: unknown } | undefined;
      try {
        action();
      } catch (error) {
        failure = { error };
      }
      try {
        yield* lockUninterruptibly(cells, MUTEX);
      } catch {
        // An abort that arrives after the action ran is ignored: the round completes.
      }
      if (failure !== undefined) {
        this.#break();
        throw failure.error;
      }
      // reset() or abort() ran during the action.
      if (Atomics.load(cells, STATE) !== ACTING) throw new BrokenBarrierError();
    }
    Atomics.store(cells, STATE, DRAINING);
    this.#notifyAll();
  }

  *#waitForRelease(deadline: number): Steps<void> {
    const cells = this.#cells;
    const waiting = (): boolean => {
      const state = Atomics.load(cells, STATE);
      return state === FILLING || state === ACTING;
    };
    try {
      while (waiting()) {
        if (!(yield* this.#condWait(deadline)) && waiting()) {
          this.#break();
          throw new BrokenBarrierError("The barrier broke: a wait timed out");
        }
      }
    } catch (error) {
      if (waiting()) this.#break(); // aborted while this round was still filling
      throw error;
    }
    if (Atomics.load(cells, STATE) < 0) throw new BrokenBarrierError();
  }

  *#condWait(deadline: number): Steps<boolean> {
    const cells = this.#cells;
    const seq = Atomics.load(cells, SEQ);
    unlock(cells, MUTEX);
    let result: WaitResult = "ok";
    try {
      result = yield { cells, index: SEQ, value: seq, deadline };
    } finally {
      yield* lockUninterruptibly(cells, MUTEX);
    }
    return result !== "timed-out";
  }

  #notifyAll(): void {
    Atomics.add(this.#cells, SEQ, 1);
    Atomics.notify(this.#cells, SEQ);
  }

  #break(): void {
    Atomics.store(this.#cells, STATE, BROKEN);
    this.#notifyAll();
  }

  /** Runs `fn` holding the mutex; it is only ever held briefly, so blocking for it is fine anywhere. */
  #locked(fn: () => void): void {
    runSync(lockSteps(this.#cells, MUTEX, FOREVER));
    try {
      fn();
    } finally {
      unlock(this.#cells, MUTEX);
    }
  }
}
