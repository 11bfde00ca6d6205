/**
 * `Barrier`: Python's `asyncio.Barrier`.
 *
 * @module
 */
import { checkCount, checkSignal } from "./_util.ts";
import type { WaitOptions } from "./semaphore.ts";

/**
 * Raised by `Barrier.wait()` when the barrier is broken or reset while waiting
 * (Python's `asyncio.BrokenBarrierError`).
 *
 * @example
 * ```ts
 * import { BrokenBarrierError } from "@cc/async";
 * console.assert(new BrokenBarrierError().name === "BrokenBarrierError");
 * ```
 */
export class BrokenBarrierError extends Error {
  override name = "BrokenBarrierError";
  constructor(message = "The barrier is broken", options?: ErrorOptions) {
    super(message, options);
  }
}

interface BarrierWaiter {
  resolve: (index: number) => void;
  reject: (error: unknown) => void;
  index: number;
  onAbort?: () => void;
  signal?: AbortSignal;
}

/**
 * Makes `parties` tasks wait for each other (Python's `asyncio.Barrier`): each `wait()` resolves
 * to a distinct arrival index (0 … parties − 1) once all have arrived; then the barrier can be used
 * again. `abort()` breaks it (`BrokenBarrierError` for every waiter and every later wait until
 * `reset()`). A waiter whose signal aborts leaves the barrier (it no longer counts).
 *
 * @example
 * ```ts
 * import { Barrier } from "@cc/async";
 * const b = new Barrier(3);
 * const idx = await Promise.all([b.wait(), b.wait(), b.wait()]);
 * console.assert(idx.sort().join() === "0,1,2");
 * ```
 */
export class Barrier {
  #parties: number;
  #waiters: BarrierWaiter[] = [];
  #broken = false;

  /**
   * @param parties How many tasks must arrive.
   * @throws {RangeError} If `parties` is not an integer ≥ 1
   */
  constructor(parties: number) {
    this.#parties = checkCount(parties, "Barrier parties", 1);
  }

  /**
   * The number of tasks that must arrive.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/async";
   * console.assert(new Barrier(3).parties === 3);
   * ```
   */
  get parties(): number {
    return this.#parties;
  }

  /**
   * The number waiting now.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/async";
   * const b = new Barrier(2);
   * const first = b.wait();
   * console.assert(b.nWaiting === 1);
   * await Promise.all([first, b.wait()]);
   * console.assert(b.nWaiting === 0);
   * ```
   */
  get nWaiting(): number {
    return this.#waiters.length;
  }

  /**
   * True if the barrier is broken.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/async";
   * const b = new Barrier(2);
   * b.abort();
   * console.assert(b.broken);
   * ```
   */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Waits for all parties; resolves to this task's arrival index.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/async";
   * const b = new Barrier(2);
   * const [a, c] = await Promise.all([b.wait(), b.wait()]);
   * console.assert(a + c === 1); // arrival indexes 0 and 1
   * ```
   */
  wait(options?: WaitOptions): Promise<number> {
    const signal = checkSignal(options?.signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#broken) return Promise.reject(new BrokenBarrierError());
    const index = this.#waiters.length;
    if (index + 1 === this.#parties) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) {
        w.signal?.removeEventListener("abort", w.onAbort as () => void);
        w.resolve(w.index);
      }
      return Promise.resolve(index);
    }
    return new Promise<number>((resolve, reject) => {
      const w: BarrierWaiter = { resolve, reject, index };
      if (signal !== undefined) {
        w.signal = signal;
        w.onAbort = () => {
          const i = this.#waiters.indexOf(w);
          if (i >= 0) {
            this.#waiters.splice(i, 1);
            this.#waiters.forEach((other, j) => {
              other.index = j;
            });
          }
          reject(signal.reason);
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.#waiters.push(w);
    });
  }

  /**
   * Breaks the barrier: waiters reject with `BrokenBarrierError`, and so do later waits.
   *
   * @example
   * ```ts
   * import { Barrier, BrokenBarrierError } from "@cc/async";
   * const b = new Barrier(2);
   * const waiting = b.wait().catch((e: unknown) => e);
   * b.abort();
   * console.assert((await waiting) instanceof BrokenBarrierError);
   * ```
   */
  abort(): void {
    this.#broken = true;
    this.#failAll(new BrokenBarrierError());
  }

  /**
   * Returns to the empty state; current waiters reject with `BrokenBarrierError`.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/async";
   * const b = new Barrier(2);
   * b.abort();
   * b.reset();
   * console.assert(!b.broken && b.nWaiting === 0);
   * ```
   */
  reset(): void {
    this.#failAll(new BrokenBarrierError("The barrier was reset"));
    this.#broken = false;
  }

  #failAll(error: BrokenBarrierError): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      w.signal?.removeEventListener("abort", w.onAbort as () => void);
      w.reject(error);
    }
  }
}
