/**
 * {@linkcode Lock}, Python's `threading.Lock` across worker threads.
 *
 * @module
 */
import { InvalidStateError, SHAREABLE, type Shareable, type SharedHandle, TimeoutError } from "@cc/core";
import { isLocked, lockSteps, lockUninterruptibly, tryLock, unlock } from "./_mutex.ts";
import { adopt, cellsOf, LOCK_INTERNALS, type LockInternals, releaser, sharedCells, takeAdopted } from "./_shared.ts";
import { waitAsync, waitSync } from "./_wait.ts";
import type { WaitOptions, WaitSyncOptions } from "./wait_options.ts";

/**
 * A mutual-exclusion lock shared by worker threads (Python's `threading.Lock`), living in a
 * `SharedArrayBuffer`. Pass it to a thread or task as a top-level argument (it is
 * {@linkcode Shareable}) and every copy works on the same memory.
 *
 * `acquire()` waits without blocking the event loop and can be used on any thread; `acquireSync()`
 * blocks the calling worker and throws on the main thread. Like Python's, the lock has no owner:
 * any thread may release it. It is not fair: a releasing thread wakes the longest sleeper, but a
 * thread that arrives at that moment may take the lock first.
 *
 * @example Exclusive access from the main thread
 * ```ts
 * import { Lock } from "@cc/threads";
 * const lock = new Lock();
 * {
 *   await using _ = await lock.hold();
 *   console.assert(lock.locked());
 * }
 * console.assert(!lock.locked());
 * ```
 */
export class Lock implements Shareable {
  readonly #cells: Int32Array;

  /** Creates an unlocked lock. */
  constructor() {
    this.#cells = takeAdopted() ?? sharedCells(1);
  }

  /**
   * Rebuilds a lock over the memory of another one, from the `state` of its `[SHAREABLE]()` handle.
   *
   * @param state The `state` of a `Lock`'s shared handle (a structured clone of it is fine).
   * @returns A lock sharing that memory.
   * @throws {TypeError} If `state` is not such a state.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Lock } from "@cc/threads";
   * const lock = new Lock();
   * const copy = Lock.fromShared(structuredClone(lock[SHAREABLE]().state));
   * lock.tryAcquire();
   * console.assert(copy.locked());
   * ```
   */
  static fromShared(state: unknown): Lock {
    return adopt(cellsOf(state, 1, "Lock"), () => new Lock());
  }

  /**
   * Acquires the lock, waiting without blocking the event loop.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` once acquired, `false` if the timeout passed first.
   * @throws {unknown} `signal.reason` (as a rejection) if the signal aborts first.
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/threads";
   * const lock = new Lock();
   * console.assert(await lock.acquire());
   * console.assert(!(await lock.acquire({ timeout: 10 })));
   * ```
   */
  acquire(options: WaitOptions = {}): Promise<boolean> {
    return waitAsync("acquire a Lock", options, (deadline) => lockSteps(this.#cells, 0, deadline));
  }

  /**
   * Acquires the lock, blocking the calling worker thread (Python's `lock.acquire()`).
   *
   * @param options Timeout (ms).
   * @returns `true` once acquired, `false` if the timeout passed first.
   * @throws {InvalidStateError} On the main thread, whose event loop must not block.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Lock } from "@cc/threads";
   * const lock = new Lock();
   * console.assert(lock.acquireSync({ timeout: 100 }));
   * ```
   */
  acquireSync(options: WaitSyncOptions = {}): boolean {
    return waitSync("Lock.acquireSync", "lock.acquire", "acquire a Lock", options, (deadline) =>
      lockSteps(this.#cells, 0, deadline),
    );
  }

  /**
   * Acquires the lock if it is free, without waiting (Python's `acquire(blocking=False)`).
   *
   * @returns `true` if the lock was acquired.
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/threads";
   * const lock = new Lock();
   * console.assert(lock.tryAcquire() && !lock.tryAcquire());
   * ```
   */
  tryAcquire(): boolean {
    return tryLock(this.#cells, 0);
  }

  /**
   * Releases the lock; any thread may release it.
   *
   * @throws {InvalidStateError} If the lock is not locked (Python's RuntimeError).
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/threads";
   * const lock = new Lock();
   * lock.tryAcquire();
   * lock.release();
   * console.assert(!lock.locked());
   * ```
   */
  release(): void {
    if (!unlock(this.#cells, 0)) throw new InvalidStateError("Cannot release an unlocked Lock");
  }

  /**
   * Whether some thread holds the lock.
   *
   * @returns `true` if locked.
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/threads";
   * console.assert(!new Lock().locked());
   * ```
   */
  locked(): boolean {
    return isLocked(this.#cells, 0);
  }

  /**
   * Acquires the lock and returns a handle that releases it when disposed: Python's `with lock:` is
   * `await using _ = await lock.hold()`.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns A disposable that releases the lock (once).
   * @throws {TimeoutError} If the timeout passes first.
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/threads";
   * const lock = new Lock();
   * {
   *   await using _ = await lock.hold({ timeout: 100 });
   *   console.assert(lock.locked());
   * }
   * console.assert(!lock.locked());
   * ```
   */
  async hold(options: WaitOptions = {}): Promise<Disposable> {
    if (!(await this.acquire(options))) throw new TimeoutError(`Lock.hold() timed out after ${options.timeout} ms`);
    return releaser(() => this.release());
  }

  /**
   * Blocking form of {@linkcode Lock.hold}: `using _ = lock.holdSync()` in a worker thread.
   *
   * @param options Timeout (ms).
   * @returns A disposable that releases the lock (once).
   * @throws {TimeoutError} If the timeout passes first.
   * @throws {InvalidStateError} On the main thread.
   *
   * @example
   * ```ts no-run
   * // inside a worker thread
   * import { Lock } from "@cc/threads";
   * const lock = new Lock();
   * {
   *   using _ = lock.holdSync();
   *   console.assert(lock.locked());
   * }
   * ```
   */
  holdSync(options: WaitSyncOptions = {}): Disposable {
    if (!this.acquireSync(options)) throw new TimeoutError(`Lock.holdSync() timed out after ${options.timeout} ms`);
    return releaser(() => this.release());
  }

  /**
   * The handle that rebuilds this lock in another thread (see `Shareable` in `@cc/core`).
   *
   * @returns `{ url, name: "Lock", state: { cells } }`.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Lock } from "@cc/threads";
   * console.assert(new Lock()[SHAREABLE]().name === "Lock");
   * ```
   */
  [SHAREABLE](): SharedHandle {
    return { url: import.meta.url, name: "Lock", state: { cells: this.#cells } };
  }

  /** @internal What a Condition built on this lock needs. */
  get [LOCK_INTERNALS](): LockInternals {
    const cells = this.#cells;
    return {
      isOwned: () => isLocked(cells, 0),
      releaseSave: () => {
        this.release();
        return 1;
      },
      acquireRestore: () => lockUninterruptibly(cells, 0),
    };
  }
}
