/**
 * {@linkcode Manager}, {@linkcode DictProxy} and {@linkcode ListProxy}: Python's
 * `multiprocessing.Manager` and the dict and list proxies it serves to child processes.
 *
 * @module
 */
import { InvalidStateError } from "@cc/core";
import { localBroker } from "./_broker.ts";
import { attach, BrokerProxy, copy, HANDLE, invoke, registerKind, serve } from "./_broker_client.ts";
import { DictObject, ListObject } from "./_broker_data.ts";
import { Event } from "./event.ts";
import { Lock, RLock } from "./lock.ts";
import { JoinableQueue, Queue, type QueueOptions } from "./queue.ts";
import { BoundedSemaphore, Semaphore } from "./semaphore.ts";
import { SharedArray, type SharedValueOptions, type Typecode, Value } from "./shared_value.ts";

/** A key of a {@linkcode DictProxy}: what compares by value across processes. */
export type DictKey = string | number | bigint | boolean;

/**
 * A dict shared by processes, served by a {@linkcode Manager} (Python's `DictProxy`). Every method is
 * one atomic step on the dict, in the process that made the manager; values are copied with structured
 * clone, so changing an object you got does not change the dict: `set` it back (as in Python). Keys are
 * strings, numbers, bigints or booleans.
 *
 * @typeParam K The key type.
 * @typeParam V The value type.
 *
 * @example
 * ```ts
 * import { Manager } from "@cc/processes";
 * await using manager = new Manager();
 * const d = manager.dict<string, number>({ a: 1 });
 * await d.set("b", 2);
 * console.assert((await d.get("a")) === 1 && (await d.size()) === 2);
 * console.assert((await d.add("a", 10)) === 11); // atomic, unlike d[k] += 1 in Python
 * console.assert(JSON.stringify(await d.entries()) === '[["a",11],["b",2]]');
 * ```
 */
export class DictProxy<K extends DictKey = string, V = unknown> extends BrokerProxy {
  /** @internal Use {@linkcode Manager.dict}. */
  constructor(init?: Iterable<readonly [K, V]> | Record<string, V>) {
    super();
    const entries =
      init === undefined
        ? []
        : Symbol.iterator in Object(init)
          ? [...(init as Iterable<[K, V]>)]
          : Object.entries(init);
    attach(this, serve("DictProxy", new DictObject(copy(entries))));
  }

  /**
   * The value of `key`, or `fallback` (Python's `get(key, default)`).
   *
   * @param key The key.
   * @param fallback What to return if the key is missing. Default: `undefined`.
   * @returns The value.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.dict().get("x", 0)) === 0);
   * ```
   */
  get(key: K, fallback?: V): Promise<V | undefined> {
    return invoke(this[HANDLE], "get", [key, fallback]) as Promise<V | undefined>;
  }

  /**
   * Sets `key` (Python's `d[key] = value`).
   *
   * @param key The key.
   * @param value The value (copied).
   * @returns Once set.
   * @throws {TypeError} If the key is not a string, number, bigint or boolean.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const d = m.dict();
   * await d.set("k", [1, 2]);
   * console.assert((await d.get("k") as number[]).length === 2);
   * ```
   */
  set(key: K, value: V): Promise<void> {
    return invoke(this[HANDLE], "set", [key, value]) as Promise<void>;
  }

  /**
   * Whether `key` is in the dict (Python's `key in d`).
   *
   * @param key The key.
   * @returns `true` if present.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert(await m.dict({ a: 1 }).has("a"));
   * ```
   */
  has(key: K): Promise<boolean> {
    return invoke(this[HANDLE], "has", [key]) as Promise<boolean>;
  }

  /**
   * Deletes `key` (Python's `del d[key]`, which raises `KeyError` where this returns `false`).
   *
   * @param key The key.
   * @returns `true` if it was there.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const d = m.dict({ a: 1 });
   * console.assert((await d.delete("a")) && !(await d.delete("a")));
   * ```
   */
  delete(key: K): Promise<boolean> {
    return invoke(this[HANDLE], "delete", [key]) as Promise<boolean>;
  }

  /**
   * Removes `key` and returns its value, or `fallback` (Python's `pop`).
   *
   * @param key The key.
   * @param fallback What to return if the key is missing.
   * @returns The value.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const d = m.dict({ a: 1 });
   * console.assert((await d.pop("a")) === 1 && !(await d.has("a")));
   * ```
   */
  pop(key: K, fallback?: V): Promise<V | undefined> {
    return invoke(this[HANDLE], "pop", [key, fallback]) as Promise<V | undefined>;
  }

  /**
   * Sets `key` to `value` unless it is there; returns its value (Python's `setdefault`).
   *
   * @param key The key.
   * @param value The value to set if missing.
   * @returns The value now at `key`.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const d = m.dict({ a: 1 });
   * console.assert((await d.setDefault("a", 5)) === 1 && (await d.setDefault("b", 5)) === 5);
   * ```
   */
  setDefault(key: K, value: V): Promise<V> {
    return invoke(this[HANDLE], "setDefault", [key, value]) as Promise<V>;
  }

  /**
   * Sets several keys in one atomic step (Python's `update`).
   *
   * @param entries `[key, value]` pairs, or an object.
   * @returns Once set.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const d = m.dict<string, number>();
   * await d.update({ a: 1, b: 2 });
   * console.assert((await d.size()) === 2);
   * ```
   */
  update(entries: Iterable<readonly [K, V]> | Record<string, V>): Promise<void> {
    const list = Symbol.iterator in Object(entries) ? [...(entries as Iterable<[K, V]>)] : Object.entries(entries);
    return invoke(this[HANDLE], "update", [list]) as Promise<void>;
  }

  /**
   * Adds `delta` to the number at `key` (0 if missing) in one atomic step; returns the new number
   * (cc's own: in Python `d[k] += 1` on a proxy is two steps and races).
   *
   * @param key The key.
   * @param delta What to add.
   * @returns The new number.
   * @throws {TypeError} If the value at `key` is not a number.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const counts = m.dict<string, number>();
   * await counts.add("hits", 1);
   * console.assert((await counts.add("hits", 1)) === 2);
   * ```
   */
  add(key: K, delta: number): Promise<number> {
    return invoke(this[HANDLE], "add", [key, delta]) as Promise<number>;
  }

  /**
   * The number of keys (Python's `len(d)`).
   *
   * @returns The size.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.dict().size()) === 0);
   * ```
   */
  size(): Promise<number> {
    return invoke(this[HANDLE], "size", []) as Promise<number>;
  }

  /**
   * Removes every key (Python's `clear`).
   *
   * @returns Once cleared.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const d = m.dict({ a: 1 });
   * await d.clear();
   * console.assert((await d.size()) === 0);
   * ```
   */
  clear(): Promise<void> {
    return invoke(this[HANDLE], "clear", []) as Promise<void>;
  }

  /**
   * The keys, in insertion order (Python's `keys()`, copied).
   *
   * @returns The keys.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.dict({ a: 1, b: 2 }).keys()).join() === "a,b");
   * ```
   */
  keys(): Promise<K[]> {
    return invoke(this[HANDLE], "keys", []) as Promise<K[]>;
  }

  /**
   * The values, in insertion order (Python's `values()`, copied).
   *
   * @returns The values.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.dict({ a: 1, b: 2 }).values()).join() === "1,2");
   * ```
   */
  values(): Promise<V[]> {
    return invoke(this[HANDLE], "values", []) as Promise<V[]>;
  }

  /**
   * The `[key, value]` pairs, in insertion order (Python's `items()`, copied).
   *
   * @returns The pairs.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.dict({ a: 1 }).entries())[0]?.[1] === 1);
   * ```
   */
  entries(): Promise<[K, V][]> {
    return invoke(this[HANDLE], "entries", []) as Promise<[K, V][]>;
  }

  /**
   * A copy as a `Map` (Python's `dict(d)` / `d.copy()`).
   *
   * @returns The copy.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.dict({ a: 1 }).toMap()).get("a") === 1);
   * ```
   */
  async toMap(): Promise<Map<K, V>> {
    return new Map(await this.entries());
  }
}

/**
 * A list shared by processes, served by a {@linkcode Manager} (Python's `ListProxy`). Every method is
 * one atomic step; items are copied with structured clone (change an item and `set` it back). Indexes
 * may be negative, counting from the end, as in Python; one out of range throws `RangeError` (Python's
 * `IndexError`).
 *
 * @typeParam T The item type.
 *
 * @example
 * ```ts
 * import { Manager } from "@cc/processes";
 * await using manager = new Manager();
 * const l = manager.list<number>([1, 2]);
 * await l.append(3);
 * console.assert((await l.get(-1)) === 3 && (await l.length()) === 3);
 * console.assert((await l.pop()) === 3);
 * console.assert((await l.toArray()).join() === "1,2");
 * ```
 */
export class ListProxy<T = unknown> extends BrokerProxy {
  /** @internal Use {@linkcode Manager.list}. */
  constructor(init?: Iterable<T>) {
    super();
    attach(this, serve("ListProxy", new ListObject(init === undefined ? [] : copy([...init]))));
  }

  /**
   * Item `index` (Python's `l[index]`).
   *
   * @param index The index (negative counts from the end).
   * @returns The item.
   * @throws {RangeError} If out of range.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list(["a", "b"]).get(0)) === "a");
   * ```
   */
  get(index: number): Promise<T> {
    return invoke(this[HANDLE], "get", [index]) as Promise<T>;
  }

  /**
   * Replaces item `index` (Python's `l[index] = value`).
   *
   * @param index The index.
   * @param value The item.
   * @returns Once set.
   * @throws {RangeError} If out of range.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const l = m.list([0]);
   * await l.set(0, 5);
   * console.assert((await l.get(0)) === 5);
   * ```
   */
  set(index: number, value: T): Promise<void> {
    return invoke(this[HANDLE], "set", [index, value]) as Promise<void>;
  }

  /**
   * Adds an item at the end (Python's `append`).
   *
   * @param value The item.
   * @returns The new length.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list().append("x")) === 1);
   * ```
   */
  append(value: T): Promise<number> {
    return invoke(this[HANDLE], "append", [value]) as Promise<number>;
  }

  /**
   * Adds items at the end in one atomic step (Python's `extend`).
   *
   * @param values The items.
   * @returns The new length.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list([1]).extend([2, 3])) === 3);
   * ```
   */
  extend(values: Iterable<T>): Promise<number> {
    return invoke(this[HANDLE], "extend", [[...values]]) as Promise<number>;
  }

  /**
   * Inserts an item before `index` (Python's `insert`, which clamps the index).
   *
   * @param index Where.
   * @param value The item.
   * @returns Once inserted.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const l = m.list([2]);
   * await l.insert(0, 1);
   * console.assert((await l.toArray()).join() === "1,2");
   * ```
   */
  insert(index: number, value: T): Promise<void> {
    return invoke(this[HANDLE], "insert", [index, value]) as Promise<void>;
  }

  /**
   * Removes and returns item `index`, the last by default (Python's `pop`).
   *
   * @param index The index. Default: -1.
   * @returns The item.
   * @throws {RangeError} If the list is empty or the index out of range.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list([1, 2]).pop(0)) === 1);
   * ```
   */
  pop(index = -1): Promise<T> {
    return invoke(this[HANDLE], "pop", [index]) as Promise<T>;
  }

  /**
   * Removes the first item equal to `value`, compared deeply (Python's `remove`).
   *
   * @param value The item.
   * @returns Once removed.
   * @throws {RangeError} If there is none (Python's `ValueError`).
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const l = m.list([{ a: 1 }, { a: 2 }]);
   * await l.remove({ a: 1 });
   * console.assert((await l.length()) === 1);
   * ```
   */
  remove(value: T): Promise<void> {
    return invoke(this[HANDLE], "remove", [value]) as Promise<void>;
  }

  /**
   * The index of the first item equal to `value`, compared deeply (Python's `index`).
   *
   * @param value The item.
   * @returns Its index.
   * @throws {RangeError} If there is none.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list(["a", "b"]).index("b")) === 1);
   * ```
   */
  index(value: T): Promise<number> {
    return invoke(this[HANDLE], "index", [value]) as Promise<number>;
  }

  /**
   * How many items equal `value`, compared deeply (Python's `count`).
   *
   * @param value The item.
   * @returns The count.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list([1, 1, 2]).count(1)) === 2);
   * ```
   */
  count(value: T): Promise<number> {
    return invoke(this[HANDLE], "count", [value]) as Promise<number>;
  }

  /**
   * The number of items (Python's `len(l)`).
   *
   * @returns The length.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list([1]).length()) === 1);
   * ```
   */
  length(): Promise<number> {
    return invoke(this[HANDLE], "length", []) as Promise<number>;
  }

  /**
   * Copies items `start` to `end` (Python's `l[start:end]`).
   *
   * @param start First index. Default: 0.
   * @param end Index after the last. Default: the length.
   * @returns The items.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list([1, 2, 3]).slice(-2)).join() === "2,3");
   * ```
   */
  slice(start?: number, end?: number): Promise<T[]> {
    return invoke(this[HANDLE], "slice", [start, end]) as Promise<T[]>;
  }

  /**
   * Removes every item (Python's `clear`).
   *
   * @returns Once cleared.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * const l = m.list([1]);
   * await l.clear();
   * console.assert((await l.length()) === 0);
   * ```
   */
  clear(): Promise<void> {
    return invoke(this[HANDLE], "clear", []) as Promise<void>;
  }

  /**
   * A copy of every item (Python's `list(l)`).
   *
   * @returns The items.
   *
   * @example
   * ```ts
   * import { Manager } from "@cc/processes";
   * await using m = new Manager();
   * console.assert((await m.list([1, 2]).toArray()).length === 2);
   * ```
   */
  toArray(): Promise<T[]> {
    return this.slice();
  }
}

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

registerKind("DictProxy", import.meta.url, DictProxy);
registerKind("ListProxy", import.meta.url, ListProxy);
