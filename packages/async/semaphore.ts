/**
 * Counting semaphores (Python's `asyncio.Semaphore` and `asyncio.BoundedSemaphore`).
 *
 * @module
 */
import { InvalidStateError } from "@cc/core";
import { Deque } from "./_deque.ts";
import { checkCount, checkFunction, checkSignal } from "./_util.ts";

/** Options of a wait that can be abandoned: `acquire`, `runExclusive`, `wait`, `get`, `put`… */
export interface WaitOptions {
  /**
   * Abandons the wait when aborted: the promise rejects with `signal.reason` and the waiter leaves
   * the queue. An abort after the wait succeeded does nothing.
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * What `acquire()` resolves to: call `release()` once, or let `using` do it.
 *
 * @example
 * ```ts
 * import { Semaphore } from "@cc/async";
 * const sem = new Semaphore(1);
 * {
 *   using _permit = await sem.acquire();
 *   console.assert(sem.locked());
 * }
 * console.assert(!sem.locked());
 * ```
 */
export interface Releaser extends Disposable {
  /** Gives the permit back (same as the owner's `release()`). */
  release(): void;
}

// A queued acquirer: resolved with the Releaser when it gets its permit.
class Waiter {
  resolve: (value: Releaser) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  cancelled = false;
  constructor(resolve: (value: Releaser) => void, reject: (reason: unknown) => void) {
    this.resolve = resolve;
    this.reject = reject;
  }
}

/**
 * A counting semaphore for promises (Python's `asyncio.Semaphore`): at most `value` holders at once.
 *
 * Fair: waiters are served first-in first-out, and a permit released while others wait goes straight
 * to the oldest waiter (no barging). Each wait takes an optional `AbortSignal`. `acquire()` resolves to a
 * {@linkcode Releaser} for `using`; `runExclusive(fn)` acquires, runs `fn` and releases. The fast path
 * (a free permit) allocates nothing besides the promise `fn` itself returns.
 *
 * @example Limit concurrent downloads to 4
 * ```ts
 * import { Semaphore } from "@cc/async";
 * const sem = new Semaphore(4);
 * let active = 0, peak = 0;
 * const job = async () => { peak = Math.max(peak, ++active); await null; active--; };
 * await Promise.all(Array.from({ length: 20 }, () => sem.runExclusive(job)));
 * console.assert(peak === 4);
 * ```
 */
export class Semaphore {
  #value: number;
  #waiters = new Deque<Waiter>();
  #live = 0;
  #releaser: Releaser;
  #ready: Promise<Releaser> | undefined;
  #onOk = <T>(value: T): T => {
    this.release();
    return value;
  };
  #onErr = (error: unknown): never => {
    this.release();
    throw error;
  };

  /**
   * @param value The number of permits.
   * @throws {TypeError} If `value` is not a number
   * @throws {RangeError} If `value` is not an integer ≥ 0
   */
  constructor(value = 1) {
    this.#value = checkCount(value, "the semaphore value", 0);
    const release = (): void => this.release();
    this.#releaser = { release, [Symbol.dispose]: release };
  }

  /**
   * The number of free permits.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/async";
   * const sem = new Semaphore(2);
   * await sem.acquire();
   * console.assert(sem.value === 1);
   * ```
   */
  get value(): number {
    return this.#value;
  }

  /**
   * The number of waiters in the queue.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/async";
   * const sem = new Semaphore(1);
   * await sem.acquire();
   * const next = sem.acquire();
   * console.assert(sem.waiting === 1);
   * sem.release();
   * await next;
   * console.assert(sem.waiting === 0);
   * ```
   */
  get waiting(): number {
    return this.#live;
  }

  /**
   * True if `acquire()` would have to wait (Python's `locked()`).
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/async";
   * const sem = new Semaphore(1);
   * console.assert(!sem.locked());
   * await sem.acquire();
   * console.assert(sem.locked()); // no permit left
   * ```
   */
  locked(): boolean {
    return this.#value === 0;
  }

  /**
   * Takes a permit without waiting; false if none is free or others are waiting.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/async";
   * const sem = new Semaphore(1);
   * console.assert(sem.tryAcquire() && !sem.tryAcquire());
   * ```
   */
  tryAcquire(): boolean {
    if (this.#value > 0) {
      this.#value--;
      return true;
    }
    return false;
  }

  /**
   * Waits for a permit and resolves to a {@linkcode Releaser}. Rejects with `signal.reason` if
   * `options.signal` aborts first (or is already aborted).
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/async";
   * const sem = new Semaphore(2);
   * using _a = await sem.acquire();
   * console.assert(sem.value === 1);
   * ```
   */
  acquire(options?: WaitOptions): Promise<Releaser> {
    const signal = options === undefined ? undefined : checkSignal(options.signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#value > 0) {
      this.#value--;
      return this.#ready ?? (this.#ready = Promise.resolve(this.#releaser));
    }
    return new Promise<Releaser>((resolve, reject) => {
      this.#enqueue(new Waiter(resolve, reject), signal);
    });
  }

  /**
   * Gives a permit back; if someone is waiting, the oldest waiter gets it.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/async";
   * const sem = new Semaphore(0);
   * sem.release();
   * console.assert(sem.value === 1);
   * ```
   */
  release(): void {
    const waiters = this.#waiters;
    while (waiters.length > 0) {
      const w = waiters.shift() as Waiter;
      if (w.cancelled) continue;
      this.#live--;
      if (w.signal !== undefined) w.signal.removeEventListener("abort", w.onAbort as () => void);
      w.resolve(this.#releaser);
      return;
    }
    this.#value++;
  }

  /**
   * Runs `fn(...args)` holding a permit, and releases it when the returned promise settles.
   * Rejects with `signal.reason`, without running `fn`, if `options.signal` aborts while waiting.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@cc/async";
   * const sem = new Semaphore(1);
   * console.assert((await sem.runExclusive(async () => 42)) === 42 && sem.value === 1);
   * ```
   */
  runExclusive<R>(fn: () => R | PromiseLike<R>, options?: WaitOptions): Promise<R> {
    if (typeof fn !== "function") checkFunction(fn, "runExclusive() fn");
    const signal = options === undefined ? undefined : checkSignal(options.signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#value > 0) {
      this.#value--;
      return this.#runNow(fn);
    }
    // `fn` runs in a reaction registered here, so in the caller's async context (not in that of the
    // code whose release() handed over the permit), as limit() does.
    return new Promise<Releaser>((resolve, reject) => {
      this.#enqueue(new Waiter(resolve, reject), signal);
    }).then(() => this.#runNow(fn));
  }

  #runNow<R>(fn: () => R | PromiseLike<R>): Promise<R> {
    let p: R | PromiseLike<R>;
    try {
      p = fn();
    } catch (error) {
      this.release();
      return Promise.reject(error);
    }
    if (p instanceof Promise) return p.then(this.#onOk, this.#onErr);
    return Promise.resolve(p).then(this.#onOk, this.#onErr);
  }

  #enqueue(w: Waiter, signal: AbortSignal | undefined): void {
    this.#waiters.push(w);
    this.#live++;
    if (signal !== undefined) {
      w.signal = signal;
      w.onAbort = () => {
        w.cancelled = true;
        this.#live--;
        w.reject(signal.reason);
      };
      signal.addEventListener("abort", w.onAbort, { once: true });
    }
  }
}

/**
 * A semaphore that refuses to be released above its initial value (Python's
 * `asyncio.BoundedSemaphore`): a `release()` too many throws `InvalidStateError`.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from "@cc/async";
 * const sem = new BoundedSemaphore(1);
 * let threw = false;
 * try { sem.release(); } catch { threw = true; }
 * console.assert(threw);
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  #bound: number;
  /**
   * @param value The number of permits, also the most there can be.
   * @throws {RangeError} If `value` is not an integer ≥ 0
   */
  constructor(value = 1) {
    super(value);
    this.#bound = value;
  }

  /**
   * Gives a permit back.
   * @throws {InvalidStateError} If that would exceed the initial value
   *
   * @example
   * ```ts
   * import { BoundedSemaphore } from "@cc/async";
   * import { InvalidStateError } from "@cc/core";
   * const sem = new BoundedSemaphore(1);
   * try {
   *   sem.release(); // more releases than acquires
   * } catch (e) {
   *   console.assert(e instanceof InvalidStateError);
   * }
   * ```
   */
  override release(): void {
    if (this.waiting === 0 && this.value >= this.#bound) {
      throw new InvalidStateError(`BoundedSemaphore released too many times: value is already ${this.#bound}`);
    }
    super.release();
  }
}
