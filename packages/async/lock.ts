/**
 * `Lock`: Python's `asyncio.Lock`.
 *
 * @module
 */
import { InvalidStateError } from "@cc/core";
import { type Releaser, Semaphore, type WaitOptions } from "./semaphore.ts";

/**
 * A mutual-exclusion lock for promises (Python's `asyncio.Lock`): fair (FIFO, no barging),
 * waits take an `AbortSignal`. Use `using _ = await lock.acquire()` (released at the end of the
 * block) or `await lock.runExclusive(fn)`. Like Python's, it is not owned by a task: any code may
 * release it, but releasing an unlocked lock throws `InvalidStateError`.
 *
 * @example
 * ```ts
 * import { Lock } from "@cc/async";
 * const lock = new Lock();
 * {
 *   using _held = await lock.acquire();
 *   console.assert(lock.locked());
 * }
 * console.assert(!lock.locked());
 * ```
 */
export class Lock {
  #sem = new Semaphore(1);
  #releaser: Releaser;

  constructor() {
    const release = (): void => this.release();
    this.#releaser = { release, [Symbol.dispose]: release };
  }

  /**
   * True if the lock is held.
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/async";
   * const lock = new Lock();
   * console.assert(!lock.locked());
   * ```
   */
  locked(): boolean {
    return this.#sem.locked();
  }

  /**
   * Waits for the lock; resolves to a {@linkcode Releaser}. Rejects with `signal.reason` on abort.
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/async";
   * const lock = new Lock();
   * {
   *   using _ = await lock.acquire(); // released at the end of the block
   *   console.assert(lock.locked());
   * }
   * console.assert(!lock.locked());
   * ```
   */
  async acquire(options?: WaitOptions): Promise<Releaser> {
    await this.#sem.acquire(options);
    return this.#releaser;
  }

  /**
   * Releases the lock; the oldest waiter gets it.
   * @throws {InvalidStateError} If the lock is not held
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/async";
   * const lock = new Lock();
   * await lock.acquire();
   * lock.release();
   * console.assert(!lock.locked());
   * ```
   */
  release(): void {
    if (!this.#sem.locked()) throw new InvalidStateError("Cannot release a Lock that is not acquired");
    this.#sem.release();
  }

  /**
   * Runs `fn` holding the lock.
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/async";
   * const lock = new Lock();
   * console.assert((await lock.runExclusive(() => "ok")) === "ok" && !lock.locked());
   * ```
   */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<R> {
    return this.#sem.runExclusive(fn, options);
  }
}
