/**
 * {@linkcode RLock}, Python's `threading.RLock` across worker threads.
 *
 * @module
 */
import { threadId } from "node:worker_threads";
import { InvalidStateError, SHAREABLE, type Shareable, type SharedHandle, TimeoutError } from "@cc/core";
import { isLocked, lockSteps, lockUninterruptibly, tryLock, unlock } from "./_mutex.ts";
import { adopt, cellsOf, LOCK_INTERNALS, type LockInternals, releaser, sharedCells, takeAdopted } from "./_shared.ts";
import { type Steps, waitAsync, waitSync } from "./_wait.ts";
import type { WaitOptions, WaitSyncOptions } from "./wait_options.ts";

const MUTEX = 0;
const OWNER = 1;
const COUNT = 2;
/** This thread's owner mark: `threadId` + 1, so that 0 means "no owner". */
const ME = threadId + 1;

/**
 * A reentrant lock shared by worker threads (Python's `threading.RLock`): the thread that holds it
 * may acquire it again, and must release it as many times. The owner is the thread
 * (`worker_threads.threadId`), as in Python: async functions running on one thread share the
 * ownership, so an `RLock` does not exclude async tasks of the same thread from each other (use
 * `@cc/async` for that, or a {@linkcode Lock}).
 *
 * @example Reentrancy
 * ```ts
 * import { RLock } from "@cc/threads";
 * const rlock = new RLock();
 * await rlock.acquire();
 * await rlock.acquire();
 * rlock.release();
 * console.assert(rlock.locked());
 * rlock.release();
 * console.assert(!rlock.locked());
 * ```
 */
export class RLock implements Shareable {
  readonly #cells: Int32Array;

  /** Creates an unlocked reentrant lock. */
  constructor() {
    this.#cells = takeAdopted() ?? sharedCells(3);
  }

  /**
   * Rebuilds a reentrant lock over the memory of another one, from its `[SHAREABLE]()` state.
   *
   * @param state The `state` of an `RLock`'s shared handle.
   * @returns An `RLock` sharing that memory.
   * @throws {TypeError} If `state` is not such a state.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { RLock } from "@cc/threads";
   * const rlock = new RLock();
   * const copy = RLock.fromShared(structuredClone(rlock[SHAREABLE]().state));
   * rlock.tryAcquire();
   * console.assert(copy.locked());
   * ```
   */
  static fromShared(state: unknown): RLock {
    return adopt(cellsOf(state, 3, "RLock"), () => new RLock());
  }

  /**
   * Acquires the lock (again, if this thread holds it), waiting without blocking the event loop.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` once acquired, `false` if the timeout passed first.
   *
   * @example
   * ```ts
   * import { RLock } from "@cc/threads";
   * const rlock = new RLock();
   * console.assert(await rlock.acquire({ timeout: 100 }));
   * ```
   */
  acquire(options: WaitOptions = {}): Promise<boolean> {
    return waitAsync("acquire an RLock", options, (deadline) => this.#acquireSteps(deadline));
  }

  /**
   * Acquires the lock, blocking the calling worker thread.
   *
   * @param options Timeout (ms).
   * @returns `true` once acquired, `false` if the timeout passed first.
   * @throws {InvalidStateError} On the main thread.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { RLock } from "@cc/threads";
   * const rlock = new RLock();
   * console.assert(rlock.acquireSync() && rlock.acquireSync());
   * ```
   */
  acquireSync(options: WaitSyncOptions = {}): boolean {
    return waitSync("RLock.acquireSync", "rlock.acquire", "acquire an RLock", options, (deadline) =>
      this.#acquireSteps(deadline),
    );
  }

  /**
   * Acquires the lock if it is free or already held by this thread, without waiting.
   *
   * @returns `true` if acquired.
   *
   * @example
   * ```ts
   * import { RLock } from "@cc/threads";
   * const rlock = new RLock();
   * console.assert(rlock.tryAcquire() && rlock.tryAcquire());
   * ```
   */
  tryAcquire(): boolean {
    if (this.#reenter()) return true;
    if (!tryLock(this.#cells, MUTEX)) return false;
    this.#own(1);
    return true;
  }

  /**
   * Releases one level of ownership; the lock is free once every acquire has been released.
   *
   * @throws {InvalidStateError} If this thread does not hold the lock (Python's RuntimeError).
   *
   * @example
   * ```ts
   * import { InvalidStateError } from "@cc/core";
   * import { RLock } from "@cc/threads";
   * try {
   *   new RLock().release();
   * } catch (error) {
   *   console.assert(error instanceof InvalidStateError);
   * }
   * ```
   */
  release(): void {
    const cells = this.#cells;
    if (Atomics.load(cells, OWNER) !== ME) {
      throw new InvalidStateError(`Cannot release an RLock that thread ${threadId} does not hold`);
    }
    const count = Atomics.sub(cells, COUNT, 1) - 1;
    if (count > 0) return;
    Atomics.store(cells, OWNER, 0);
    unlock(cells, MUTEX);
  }

  /**
   * Whether some thread holds the lock.
   *
   * @returns `true` if locked.
   *
   * @example
   * ```ts
   * import { RLock } from "@cc/threads";
   * console.assert(!new RLock().locked());
   * ```
   */
  locked(): boolean {
    return isLocked(this.#cells, MUTEX);
  }

  /**
   * Whether the calling thread holds the lock (Python's `_is_owned()`).
   *
   * @returns `true` if this thread is the owner.
   *
   * @example
   * ```ts
   * import { RLock } from "@cc/threads";
   * const rlock = new RLock();
   * rlock.tryAcquire();
   * console.assert(rlock.isOwned());
   * ```
   */
  isOwned(): boolean {
    return Atomics.load(this.#cells, OWNER) === ME;
  }

  /**
   * Acquires the lock and returns a handle that releases it (once) when disposed.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns A disposable that releases one level of ownership.
   * @throws {TimeoutError} If the timeout passes first.
   *
   * @example
   * ```ts
   * import { RLock } from "@cc/threads";
   * const rlock = new RLock();
   * {
   *   await using _ = await rlock.hold();
   *   await using _again = await rlock.hold();
   * }
   * console.assert(!rlock.locked());
   * ```
   */
  async hold(options: WaitOptions = {}): Promise<Disposable> {
    if (!(await this.acquire(options))) throw new TimeoutError(`RLock.hold() timed out after ${options.timeout} ms`);
    return releaser(() => this.release());
  }

  /**
   * Blocking form of {@linkcode RLock.hold}, for worker threads.
   *
   * @param options Timeout (ms).
   * @returns A disposable that releases one level of ownership.
   * @throws {TimeoutError} If the timeout passes first.
   * @throws {InvalidStateError} On the main thread.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { RLock } from "@cc/threads";
   * const rlock = new RLock();
   * using _ = rlock.holdSync();
   * ```
   */
  holdSync(options: WaitSyncOptions = {}): Disposable {
    if (!this.acquireSync(options)) throw new TimeoutError(`RLock.holdSync() timed out after ${options.timeout} ms`);
    return releaser(() => this.release());
  }

  /**
   * The handle that rebuilds this lock in another thread.
   *
   * @returns `{ url, name: "RLock", state: { cells } }`.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { RLock } from "@cc/threads";
   * console.assert(new RLock()[SHAREABLE]().name === "RLock");
   * ```
   */
  [SHAREABLE](): SharedHandle {
    return { url: import.meta.url, name: "RLock", state: { cells: this.#cells } };
  }

  /** @internal What a Condition built on this lock needs. */
  get [LOCK_INTERNALS](): LockInternals {
    const cells = this.#cells;
    return {
      isOwned: () => this.isOwned(),
      releaseSave: () => {
        const count = Atomics.exchange(cells, COUNT, 0);
        Atomics.store(cells, OWNER, 0);
        unlock(cells, MUTEX);
        return count;
      },
      acquireRestore: (saved: number) => this.#restoreSteps(saved),
    };
  }

  *#restoreSteps(saved: number): Steps<void> {
    try {
      yield* lockUninterruptibly(this.#cells, MUTEX);
    } finally {
      this.#own(saved); // the mutex is held here, also when an abort is being rethrown
    }
  }

  *#acquireSteps(deadline: number): Steps<boolean> {
    if (this.#reenter()) return true;
    if (!(yield* lockSteps(this.#cells, MUTEX, deadline))) return false;
    this.#own(1);
    return true;
  }

  #reenter(): boolean {
    if (Atomics.load(this.#cells, OWNER) !== ME) return false;
    Atomics.add(this.#cells, COUNT, 1);
    return true;
  }

  #own(count: number): void {
    Atomics.store(this.#cells, OWNER, ME);
    Atomics.store(this.#cells, COUNT, count);
  }
}
