/**
 * {@linkcode Condition}: Python's `multiprocessing.Condition`, shared by the process that makes it and
 * its child processes.
 *
 * @module
 */

import { localBroker } from "./_broker.ts";
import { attach, BrokerProxy, HANDLE, type Handle, handleOf, invoke, registerKind, serve } from "./_broker_client.ts";
import { ConditionObject, LockObject } from "./_broker_sync.ts";
import { hold } from "./_hold.ts";
import { Lock, RLock } from "./lock.ts";
import { timeoutOf, type WaitOptions } from "./wait_options.ts";

/**
 * A condition variable shared by processes (Python's `multiprocessing.Condition`): a process holding
 * its lock `wait()`s — releasing the lock until another process `notify()`s, then taking it back — for
 * a state that others change under the same lock. The lock is an `RLock` by default, or the `Lock` /
 * `RLock` given (made in this process).
 *
 * A `wait()` aborted by its `signal` rejects *without* the lock (Python's takes it back first).
 *
 * @example
 * ```ts
 * import { Condition } from "@cc/processes";
 * const cond = new Condition();
 * await cond.acquire();
 * console.assert(!(await cond.wait({ timeout: 10 }))); // nobody notified: false, lock held again
 * await cond.notify(); // no waiter: nothing happens
 * await cond.release();
 * ```
 */
export class Condition extends BrokerProxy {
  /**
   * @param lock The lock to use. Default: a new `RLock`.
   * @throws {TypeError} If `lock` is not a `Lock`/`RLock` made in this process.
   */
  constructor(lock?: Lock) {
    super();
    const handle: Handle | undefined = handleOf(lock ?? new RLock());
    if (lock !== undefined && !(lock instanceof Lock)) throw new TypeError("lock must be a Lock or an RLock");
    const broker = localBroker();
    const object = handle && handle.address === broker.address ? broker.object(handle.id) : undefined;
    if (!(object instanceof LockObject)) throw new TypeError("the lock of a Condition must be made in this process");
    attach(this, serve("Condition", new ConditionObject(object), handle));
  }

  /**
   * Acquires the underlying lock (Python's `acquire`).
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` once acquired, `false` if the timeout passed first.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/processes";
   * const cond = new Condition();
   * console.assert(await cond.acquire());
   * await cond.release();
   * ```
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    return invoke(this[HANDLE], "acquire", [timeoutOf(options)], options?.signal) as Promise<boolean>;
  }

  /**
   * Releases the underlying lock (Python's `release`).
   *
   * @returns Once released.
   * @throws {InvalidStateError} If not held.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/processes";
   * const cond = new Condition();
   * await cond.acquire();
   * await cond.release();
   * ```
   */
  release(): Promise<void> {
    return invoke(this[HANDLE], "release", []) as Promise<void>;
  }

  /**
   * Acquires the lock and returns a handle that releases it when disposed: Python's `with cond:`.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns An async disposable that releases the lock (once).
   * @throws {TimeoutError} If the timeout passes first.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/processes";
   * const cond = new Condition();
   * {
   *   await using _ = await cond.hold();
   *   await cond.notifyAll();
   * }
   * ```
   */
  hold(options?: WaitOptions): Promise<AsyncDisposable> {
    return hold(this, options);
  }

  /**
   * Releases the lock, waits for a `notify` (or the timeout), and takes the lock back before it
   * returns (Python's `wait`). The caller must hold the lock.
   *
   * @param options Timeout (ms) and abort signal.
   * @returns `true` if notified, `false` if the timeout passed first (the lock is held again either way).
   * @throws {InvalidStateError} If this process does not hold the lock.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/processes";
   * const cond = new Condition();
   * await cond.acquire();
   * console.assert((await cond.wait({ timeout: 0 })) === false);
   * await cond.release();
   * ```
   */
  wait(options?: WaitOptions): Promise<boolean> {
    return invoke(this[HANDLE], "wait", [timeoutOf(options)], options?.signal) as Promise<boolean>;
  }

  /**
   * Waits until `predicate()` is true, calling it with the lock held (Python's `wait_for`). The
   * predicate runs in this process, each time the condition is notified.
   *
   * @param predicate Says whether the awaited state is reached (may be async).
   * @param options Timeout (ms, for the whole wait) and abort signal.
   * @returns The predicate's last value (falsy if the timeout passed first).
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/processes";
   * const cond = new Condition();
   * await cond.acquire();
   * console.assert(await cond.waitFor(() => true));
   * await cond.release();
   * ```
   */
  async waitFor<T>(predicate: () => T | Promise<T>, options?: WaitOptions): Promise<T> {
    const timeout = timeoutOf(options);
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    let result = await predicate();
    while (!result) {
      const left = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
      if (left === 0) break;
      await this.wait({ timeout: left, ...(options?.signal ? { signal: options.signal } : {}) });
      result = await predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` processes waiting on the condition (Python's `notify`); the caller must hold the
   * lock. Each woken waiter returns once it has taken the lock back.
   *
   * @param n How many. Default: 1.
   * @returns Once notified.
   * @throws {InvalidStateError} If this process does not hold the lock.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/processes";
   * const cond = new Condition();
   * await cond.acquire();
   * await cond.notify(2);
   * await cond.release();
   * ```
   */
  notify(n = 1): Promise<void> {
    return invoke(this[HANDLE], "notify", [n]) as Promise<void>;
  }

  /**
   * Wakes every waiter (Python's `notify_all`).
   *
   * @returns Once notified.
   * @throws {InvalidStateError} If this process does not hold the lock.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/processes";
   * const cond = new Condition();
   * await cond.acquire();
   * await cond.notifyAll();
   * await cond.release();
   * ```
   */
  notifyAll(): Promise<void> {
    return invoke(this[HANDLE], "notify", [Number.POSITIVE_INFINITY]) as Promise<void>;
  }
}

registerKind("Condition", import.meta.url, Condition);
