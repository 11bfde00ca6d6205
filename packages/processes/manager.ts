/**
 * {@linkcode Manager}: Python's `multiprocessing.Manager`, which makes the shared dicts and lists
 * ({@linkcode DictProxy}, {@linkcode ListProxy}) and the other primitives, and frees them together.
 *
 * @module
 */
import { InvalidStateError } from "@cc/core";
import { localBroker } from "./_broker.ts";
import { type BrokerProxy, HANDLE } from "./_broker_client.ts";
import { Barrier } from "./barrier.ts";
import { Condition } from "./condition.ts";
import { type DictKey, DictProxy } from "./dict_proxy.ts";
import { Event } from "./event.ts";
import { ListProxy } from "./list_proxy.ts";
import { Lock, RLock } from "./lock.ts";
import { JoinableQueue, Queue, type QueueOptions } from "./queue.ts";
import { BoundedSemaphore, Semaphore } from "./semaphore.ts";
import { SharedArray, type SharedValueOptions, type Typecode, Value } from "./shared_value.ts";

/**
 * Python's `multiprocessing.Manager()`: it makes shared dicts and lists (and the other primitives),
 * which its child processes use through proxies, and frees them all on `shutdown()` (`await using`).
 * Python's manager is a server process; cc's is the process that makes it, which already serves every
 * primitive it makes (see "How the primitives work" in the README): there is nothing to start.
 *
 * @example
 * ```ts
 * import { Manager } from "@cc/processes";
 * await using manager = new Manager();
 * const results = manager.dict<number, string>();
 * const log = manager.list<string>();
 * await results.set(1, "one");
 * await log.append("set 1");
 * console.assert((await results.get(1)) === "one" && (await log.length()) === 1);
 * ```
 */
export class Manager implements AsyncDisposable {
  readonly #ids: number[] = [];
  #shutDown = false;

  #track<P extends BrokerProxy>(proxy: P): P {
    if (this.#shutDown) throw new InvalidStateError("This Manager was shut down");
    this.#ids.push(proxy[HANDLE].id);
    return proxy;
  }

  #check(): void {
    if (this.#shutDown) throw new InvalidStateError("This Manager was shut down");
  }

  /**
   * A new shared dict (Python's `manager.dict()`).
   *
   * @typeParam K The key type.
   * @typeParam V The value type.
   * @param init Initial entries (pairs or an object).
   * @returns Its proxy.
   * @throws {InvalidStateError} After `shutdown()`.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.dict([["a", 1]]).get("a")) === 1);
   * ```
   */
  dict<K extends DictKey = string, V = unknown>(init?: Iterable<readonly [K, V]> | Record<string, V>): DictProxy<K, V> {
    this.#check();
    return this.#track(new DictProxy<K, V>(init));
  }

  /**
   * A new shared list (Python's `manager.list()`).
   *
   * @typeParam T The item type.
   * @param init Initial items.
   * @returns Its proxy.
   * @throws {InvalidStateError} After `shutdown()`.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list([1, 2]).length()) === 2);
   * ```
   */
  list<T = unknown>(init?: Iterable<T>): ListProxy<T> {
    this.#check();
    return this.#track(new ListProxy<T>(init));
  }

  /**
   * A new {@linkcode Queue} freed with the manager (Python's `manager.Queue()`).
   *
   * @typeParam T The item type.
   * @param options `maxsize`.
   * @returns The queue.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert(await m.queue().empty());
   * ```
   */
  queue<T = unknown>(options?: QueueOptions): Queue<T> {
    this.#check();
    return this.#track(new Queue<T>(options));
  }

  /**
   * A new {@linkcode JoinableQueue} freed with the manager.
   *
   * @typeParam T The item type.
   * @param options `maxsize`.
   * @returns The queue.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * await m.joinableQueue().join();
   * ```
   */
  joinableQueue<T = unknown>(options?: QueueOptions): JoinableQueue<T> {
    this.#check();
    return this.#track(new JoinableQueue<T>(options));
  }

  /**
   * A new {@linkcode Lock} freed with the manager.
   *
   * @returns The lock.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert(await m.lock().acquire());
   * ```
   */
  lock(): Lock {
    this.#check();
    return this.#track(new Lock());
  }

  /**
   * A new {@linkcode RLock} freed with the manager.
   *
   * @returns The lock.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert(await m.rLock().acquire());
   * ```
   */
  rLock(): RLock {
    this.#check();
    return this.#track(new RLock());
  }

  /**
   * A new {@linkcode Semaphore} freed with the manager.
   *
   * @param value Initial permits. Default: 1.
   * @returns The semaphore.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.semaphore(2).getValue()) === 2);
   * ```
   */
  semaphore(value?: number): Semaphore {
    this.#check();
    return this.#track(new Semaphore(value));
  }

  /**
   * A new {@linkcode BoundedSemaphore} freed with the manager.
   *
   * @param value Initial permits. Default: 1.
   * @returns The semaphore.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.boundedSemaphore().getValue()) === 1);
   * ```
   */
  boundedSemaphore(value?: number): BoundedSemaphore {
    this.#check();
    return this.#track(new BoundedSemaphore(value));
  }

  /**
   * A new {@linkcode Condition} freed with the manager (with its own `RLock` unless given a lock).
   *
   * @param lock The lock. Default: a new `RLock`, freed with the manager.
   * @returns The condition.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert(await m.condition().acquire());
   * ```
   */
  condition(lock?: Lock): Condition {
    this.#check();
    const own = lock ?? this.rLock();
    return this.#track(new Condition(own));
  }

  /**
   * A new {@linkcode Barrier} freed with the manager.
   *
   * @param parties How many `wait` calls release it.
   * @returns The barrier.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert(m.barrier(2).parties === 2);
   * ```
   */
  barrier(parties: number): Barrier {
    this.#check();
    return this.#track(new Barrier(parties));
  }

  /**
   * A new {@linkcode Event} freed with the manager.
   *
   * @returns The event.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert(!(await m.event().isSet()));
   * ```
   */
  event(): Event {
    this.#check();
    return this.#track(new Event());
  }

  /**
   * A new {@linkcode Value} freed with the manager (with its lock).
   *
   * @typeParam T `number`, or `bigint` for the 64-bit integer typecodes.
   * @param typecode The C type.
   * @param value The initial value.
   * @param options The lock.
   * @returns The value.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.value("i", 3).get()) === 3);
   * ```
   */
  value<T extends number | bigint = number>(
    typecode: Typecode,
    value: NoInfer<T>,
    options?: SharedValueOptions,
  ): Value<T> {
    this.#check();
    const v = this.#track(new Value<T>(typecode, value, options));
    if (options?.lock === undefined || options.lock === true) this.#ids.push(v.getLock()[HANDLE].id);
    return v;
  }

  /**
   * A new {@linkcode SharedArray} freed with the manager (with its lock).
   *
   * @typeParam T `number`, or `bigint` for the 64-bit integer typecodes.
   * @param typecode The C type.
   * @param init A length or the items.
   * @param options The lock.
   * @returns The array.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert(m.array("d", 3).length === 3);
   * ```
   */
  array<T extends number | bigint = number>(
    typecode: Typecode,
    init: number | readonly NoInfer<T>[],
    options?: SharedValueOptions,
  ): SharedArray<T> {
    this.#check();
    const a = this.#track(new SharedArray<T>(typecode, init, options));
    if (options?.lock === undefined || options.lock === true) this.#ids.push(a.getLock()[HANDLE].id);
    return a;
  }

  /**
   * Frees every object the manager made: later calls on them, from any process, fail (Python's
   * `shutdown`). Idempotent; `await using` calls it.
   *
   * @returns Once freed.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * const m = new Manager();
   * const d = m.dict();
   * await m.shutdown();
   * let failed = false;
   * try { await d.size(); } catch { failed = true; }
   * console.assert(failed);
   * ```
   */
  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    const broker = localBroker();
    for (const id of this.#ids.splice(0)) broker.remove(id);
  }

  /**
   * `await using manager = new Manager()` shuts it down at the end of the scope.
   *
   * @returns Once shut down.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * const m = new Manager();
   * await m[Symbol.asyncDispose]();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
