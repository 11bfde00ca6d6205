/**
 * {@linkcode Lock} and {@linkcode RLock}: Python's `multiprocessing.Lock` and `multiprocessing.RLock`,
 * shared by the process that makes them and the child processes they are passed to.
 *
 * @module
 */

import { attach, BrokerProxy, HANDLE, invoke, registerKind, serve } from "./_broker_client.ts";
import { LockObject } from "./_broker_sync.ts";
import { hold } from "./_hold.ts";
import { timeoutOf, type WaitOptions } from "./wait_options.ts";

let counter = 0;

/**
 * A lock shared by processes (Python's `multiprocessing.Lock`). Pass it to a `Process` or a pool task
 * like any argument; every copy is the same lock, which lives in the process that made it.
 *
 * As in Python, any process may release it. Unlike Python, a lock whose holder ends while holding it
 * (killed, crashed, exited) does not stay held for ever: it is released, and the next `acquire()` —
 * one already waiting, or the next call — rejects once with {@linkcode AbandonedLockError} without
 * taking it, so the program learns that what the lock guarded may be half-updated; the `acquire()`
 * after that takes the lock as usual.
 *
 * @example Python's with lock
 * ```ts
 * import { Lock } from "@cc/processes";
 * const lock = new Lock();
 * {
 *   await using _ = await lock.hold();
 *   console.assert(await lock.locked());
 *   console.assert(!(await lock.acquire({ timeout: 0 }))); // held: no second acquire
 * }
 * console.assert(!(await lock.locked()));
 * ```
 */
export class Lock extends BrokerProxy {
  /** Makes an unlocked lock. */
  constructor() {
    super();
    const recursive = new.target === RLock;
    const name = `${recursive ? "RLock" : "Lock"}-${++counter}`;
    attach(this, serve(recursive ? "RLock" : "Lock", new LockObject(recursive, name)));
  }

  /**
   * Acquires the lock, waiting until it is free (Python's `acquire(block, timeout)`; `timeout: 0`
   * is `block=False`).
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` once acquired, `false` if the timeout passed first.
   * @throws {AbandonedLockError} Once, after a holder ended while holding it (the lock is then free).
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/processes";
   * const lock = new Lock();
   * console.assert(await lock.acquire());
   * console.assert(!(await lock.acquire({ timeout: 10 })));
   * await lock.release();
   * ```
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    return invoke(this[HANDLE], "acquire", [timeoutOf(options)], options?.signal) as Promise<boolean>;
  }

  /**
   * Releases the lock (Python's `release`).
   *
   * @returns Once released.
   * @throws {InvalidStateError} If it is not locked (an `RLock`: not held by this process).
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/processes";
   * const lock = new Lock();
   * await lock.acquire();
   * await lock.release();
   * console.assert(!(await lock.locked()));
   * ```
   */
  release(): Promise<void> {
    return invoke(this[HANDLE], "release", []) as Promise<void>;
  }

  /**
   * Whether some process holds the lock now.
   *
   * @returns `true` if locked.
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/processes";
   * console.assert(!(await new Lock().locked()));
   * ```
   */
  locked(): Promise<boolean> {
    return invoke(this[HANDLE], "locked", []) as Promise<boolean>;
  }

  /**
   * Acquires the lock and returns a handle that releases it when disposed: Python's `with lock:` is
   * `await using _ = await lock.hold()`.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns An async disposable that releases the lock (once).
   * @throws {TimeoutError} If the timeout passes first.
   * @throws {AbandonedLockError} As `acquire`.
   *
   * @example
   * ```ts
   * import { Lock } from "@cc/processes";
   * const lock = new Lock();
   * {
   *   await using _ = await lock.hold({ timeout: 100 });
   *   console.assert(await lock.locked());
   * }
   * console.assert(!(await lock.locked()));
   * ```
   */
  hold(options?: WaitOptions): Promise<AsyncDisposable> {
    return hold(this, options);
  }
}

/**
 * A recursive lock shared by processes (Python's `multiprocessing.RLock`): the process that holds it
 * may acquire it again, and must release it as many times. Its owner is a *process* (Python's is a
 * thread): two async functions of one process count as the same owner.
 *
 * @example
 * ```ts
 * import { RLock } from "@cc/processes";
 * const lock = new RLock();
 * console.assert(await lock.acquire());
 * console.assert(await lock.acquire({ timeout: 0 })); // again, by its owner
 * await lock.release();
 * console.assert(await lock.locked()); // still held once
 * await lock.release();
 * console.assert(!(await lock.locked()));
 * ```
 */
export class RLock extends Lock {}

registerKind("Lock", import.meta.url, Lock);
registerKind("RLock", import.meta.url, RLock);
