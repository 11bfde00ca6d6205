/**
 * {@linkcode Barrier}: Python's `multiprocessing.Barrier`, shared by the process that makes it and its
 * child processes.
 *
 * @module
 */

import { attach, BrokerProxy, HANDLE, invoke, registerKind, serve } from "./_broker_client.ts";
import { BarrierObject } from "./_broker_sync.ts";
import { timeoutOf, type WaitOptions } from "./wait_options.ts";

/**
 * A barrier for `parties` processes (Python's `multiprocessing.Barrier`): each `wait()` waits until
 * `parties` calls are waiting, then all return together, each with its arrival index (0 to
 * `parties - 1`), and the barrier can be used again. A `wait` whose timeout passes, `abort()`, or a
 * waiting process that ends breaks it: every waiter, and every later `wait` until `reset()`, rejects
 * with `BrokenBarrierError` (Python's would wait for a dead process for ever).
 *
 * @example
 * ```ts
 * import { Barrier } from "@cc/processes";
 * const barrier = new Barrier(2);
 * const [a, b] = await Promise.all([barrier.wait(), barrier.wait()]);
 * console.assert(a + b === 1); // indexes 0 and 1
 * ```
 */
export class Barrier extends BrokerProxy {
  /**
   * @param parties How many `wait` calls release the barrier.
   * @throws {RangeError} If `parties` is not an integer >= 1.
   */
  constructor(parties: number) {
    super();
    if (typeof parties !== "number" || !Number.isInteger(parties) || parties < 1) {
      throw new RangeError(`parties must be an integer >= 1, got ${String(parties)}`);
    }
    attach(this, serve("Barrier", new BarrierObject(parties), parties));
  }

  /**
   * How many `wait` calls release the barrier (Python's `parties`).
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/processes";
   * console.assert(new Barrier(3).parties === 3);
   * ```
   */
  get parties(): number {
    return this[HANDLE].meta as number;
  }

  /**
   * Waits until `parties` calls are waiting (Python's `wait`).
   *
   * @param options Timeout (ms) and abort signal.
   * @returns This call's arrival index, 0 to `parties - 1`.
   * @throws {BrokenBarrierError} If the barrier is or becomes broken (a timeout breaks it).
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/processes";
   * console.assert((await new Barrier(1).wait()) === 0);
   * ```
   */
  wait(options?: WaitOptions): Promise<number> {
    return invoke(this[HANDLE], "wait", [timeoutOf(options)], options?.signal) as Promise<number>;
  }

  /**
   * Breaks the barrier: waiters and later `wait`s reject with `BrokenBarrierError` (Python's `abort`).
   *
   * @returns Once broken.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/processes";
   * const b = new Barrier(2);
   * await b.abort();
   * console.assert(await b.isBroken());
   * ```
   */
  abort(): Promise<void> {
    return invoke(this[HANDLE], "abort", []) as Promise<void>;
  }

  /**
   * Returns the barrier to its empty, unbroken state; current waiters reject with
   * `BrokenBarrierError` (Python's `reset`).
   *
   * @returns Once reset.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/processes";
   * const b = new Barrier(2);
   * await b.abort();
   * await b.reset();
   * console.assert(!(await b.isBroken()));
   * ```
   */
  reset(): Promise<void> {
    return invoke(this[HANDLE], "reset", []) as Promise<void>;
  }

  /**
   * How many calls are waiting now (Python's `n_waiting`).
   *
   * @returns The number.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/processes";
   * console.assert((await new Barrier(2).nWaiting()) === 0);
   * ```
   */
  async nWaiting(): Promise<number> {
    return ((await invoke(this[HANDLE], "state", [])) as [number, boolean])[0];
  }

  /**
   * Whether the barrier is broken (Python's `broken`).
   *
   * @returns `true` if broken.
   *
   * @example
   * ```ts
   * import { Barrier } from "@cc/processes";
   * console.assert(!(await new Barrier(2).isBroken()));
   * ```
   */
  async isBroken(): Promise<boolean> {
    return ((await invoke(this[HANDLE], "state", [])) as [number, boolean])[1];
  }
}

registerKind("Barrier", import.meta.url, Barrier);
