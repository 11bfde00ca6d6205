/**
 * `Condition`: Python's `asyncio.Condition`.
 *
 * @module
 */
import { InvalidStateError } from "@cc/core";
import { Deque } from "./_deque.ts";
import { checkCount, checkFunction, checkSignal } from "./_util.ts";
import { Lock } from "./lock.ts";
import type { Releaser, WaitOptions } from "./semaphore.ts";

interface CondWaiter {
  resolve: () => void;
  /** Settled: by `notify()` (then `notified` is set) or by an abort. */
  done: boolean;
  notified: boolean;
}

/**
 * A condition variable (Python's `asyncio.Condition`): hold its lock, then `wait()` releases it,
 * waits for `notify()`, and takes it back before returning (also when the wait is aborted, as in
 * Python). Waiters are woken in FIFO order.
 *
 * @example
 * ```ts
 * import { Condition } from "@cc/async";
 * const cond = new Condition();
 * const items: number[] = [];
 * const consumer = cond.runExclusive(async () => {
 *   await cond.waitFor(() => items.length > 0);
 *   return items.shift();
 * });
 * await cond.runExclusive(() => { items.push(1); cond.notify(); });
 * console.assert((await consumer) === 1);
 * ```
 */
export class Condition {
  #lock: Lock;
  #waiters = new Deque<CondWaiter>();
  #releaser: Releaser;

  /** @param lock The lock to use; a new one by default. */
  constructor(lock?: Lock) {
    if (lock !== undefined && !(lock instanceof Lock)) {
      throw new TypeError(`Cannot create a Condition as lock must be a Lock: received ${String(lock)}`);
    }
    this.#lock = lock ?? new Lock();
    const release = (): void => this.release();
    this.#releaser = { release, [Symbol.dispose]: release };
  }

  /**
   * True if the underlying lock is held.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/async";
   * const cond = new Condition();
   * console.assert(!cond.locked());
   * await cond.runExclusive(() => console.assert(cond.locked()));
   * ```
   */
  locked(): boolean {
    return this.#lock.locked();
  }

  /**
   * Acquires the underlying lock.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/async";
   * const cond = new Condition();
   * {
   *   using _ = await cond.acquire(); // released at the end of the block
   *   console.assert(cond.locked());
   * }
   * console.assert(!cond.locked());
   * ```
   */
  async acquire(options?: WaitOptions): Promise<Releaser> {
    await this.#lock.acquire(options);
    return this.#releaser;
  }

  /**
   * Releases the underlying lock.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/async";
   * const cond = new Condition();
   * await cond.acquire();
   * cond.release();
   * console.assert(!cond.locked());
   * ```
   */
  release(): void {
    this.#lock.release();
  }

  /**
   * Runs `fn` holding the lock.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/async";
   * const cond = new Condition();
   * console.assert((await cond.runExclusive(() => 42)) === 42);
   * ```
   */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<R> {
    return this.#lock.runExclusive(fn, options);
  }

  /**
   * Releases the lock, waits to be notified, and re-acquires the lock. If `signal` aborts before
   * `wait()` returns, also after `notify()` woke it while it takes the lock back, the lock is still
   * re-acquired before the promise rejects with `signal.reason` (as asyncio raises `CancelledError`),
   * and a notification it had received wakes the next waiter instead, so none is lost.
   * @throws {InvalidStateError} If the lock is not held
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/async";
   * const cond = new Condition();
   * let ready = false;
   * const consumer = cond.runExclusive(async () => {
   *   while (!ready) await cond.wait(); // releases the lock while it waits
   *   return "consumed";
   * });
   * await cond.runExclusive(() => {
   *   ready = true;
   *   cond.notify();
   * });
   * console.assert((await consumer) === "consumed");
   * ```
   */
  async wait(options?: WaitOptions): Promise<true> {
    const signal = checkSignal(options?.signal);
    if (!this.#lock.locked()) throw new InvalidStateError("Cannot wait on a Condition whose lock is not acquired");
    if (signal?.aborted) throw signal.reason;
    let waiter!: CondWaiter;
    const notified = new Promise<void>((resolve) => {
      waiter = { resolve, done: false, notified: false };
    });
    this.#waiters.push(waiter);
    this.#lock.release();
    try {
      if (signal === undefined) {
        await notified;
      } else {
        await new Promise<void>((resolve) => {
          const onAbort = (): void => {
            if (waiter.done) return; // notified: the abort is seen once the lock is back
            waiter.done = true;
            resolve();
          };
          signal.addEventListener("abort", onAbort, { once: true });
          notified.then(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          });
        });
      }
    } finally {
      await this.#lock.acquire();
    }
    // An abort at any point before returning wins (asyncio: a cancellation that arrives after notify()
    // is raised once the lock is re-acquired); the notification goes to the next waiter.
    if (signal?.aborted) {
      if (waiter.notified) this.notify(1);
      throw signal.reason;
    }
    return true;
  }

  /**
   * Waits until `predicate()` is true, re-checking after each notification; returns its value.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/async";
   * const cond = new Condition();
   * const items: number[] = [];
   * const consumer = cond.runExclusive(() => cond.waitFor(() => items.shift()));
   * await cond.runExclusive(() => {
   *   items.push(7);
   *   cond.notifyAll();
   * });
   * console.assert((await consumer) === 7);
   * ```
   */
  async waitFor<T>(predicate: () => T, options?: WaitOptions): Promise<T> {
    checkFunction(predicate, "Condition.waitFor() predicate");
    let result = predicate();
    while (!result) {
      await this.wait(options);
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiters.
   * @throws {InvalidStateError} If the lock is not held
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/async";
   * const cond = new Condition();
   * let woken = 0;
   * const waiters = [1, 2].map(() => cond.runExclusive(async () => {
   *   await cond.wait();
   *   woken++;
   * }));
   * await new Promise((resolve) => setTimeout(resolve, 0));
   * await cond.runExclusive(() => cond.notify(2)); // wakes both
   * await Promise.all(waiters);
   * console.assert(woken === 2);
   * ```
   */
  notify(n = 1): void {
    checkCount(n, "notify() n", 0, true);
    if (!this.#lock.locked()) throw new InvalidStateError("Cannot notify on a Condition whose lock is not acquired");
    let woken = 0;
    while (woken < n && this.#waiters.length > 0) {
      const w = this.#waiters.shift() as CondWaiter;
      if (w.done) continue;
      w.done = true;
      w.notified = true;
      w.resolve();
      woken++;
    }
  }

  /**
   * Wakes every waiter.
   *
   * @example
   * ```ts
   * import { Condition } from "@cc/async";
   * const cond = new Condition();
   * const waiters = [1, 2, 3].map(() => cond.runExclusive(() => cond.wait()));
   * await new Promise((resolve) => setTimeout(resolve, 0));
   * await cond.runExclusive(() => cond.notifyAll());
   * console.assert((await Promise.all(waiters)).every((x) => x === true));
   * ```
   */
  notifyAll(): void {
    this.notify(Number.POSITIVE_INFINITY);
  }
}
