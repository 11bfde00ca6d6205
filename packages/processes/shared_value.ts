/**
 * {@linkcode Value} and {@linkcode SharedArray}: Python's `multiprocessing.Value` and
 * `multiprocessing.Array`, typed numbers shared by the process that makes them and its children.
 *
 * @module
 */
import { localBroker } from "./_broker.ts";
import {
  attach,
  BrokerProxy,
  HANDLE,
  type Handle,
  handleOf,
  invoke,
  proxyOf,
  registerKind,
  serve,
} from "./_broker_client.ts";
import { checkItem, TYPECODES, type Typecode, TypedObject } from "./_broker_data.ts";
import { LockObject } from "./_broker_sync.ts";
import { Lock, RLock } from "./lock.ts";

export type { Typecode };

/** Options of {@linkcode Value} and {@linkcode SharedArray}. */
export interface SharedValueOptions {
  /**
   * The lock that guards it (Python's `lock`): `true` makes a new `RLock`, `false` none (Python's
   * `RawValue`/`RawArray`: `getLock()` throws), or give a `Lock`/`RLock` made in this process. While a
   * process holds the lock, other processes' `get`/`set` wait for it (Python's synchronized wrapper).
   *
   * @default {true}
   */
  lock?: boolean | Lock;
}

interface Meta {
  readonly typecode: Typecode;
  readonly length: number;
  readonly lock: Handle | undefined;
}

function make(typecode: unknown, init: readonly unknown[], options: SharedValueOptions, what: string): Handle {
  if (typeof typecode !== "string" || !Object.hasOwn(TYPECODES, typecode)) {
    throw new TypeError(`typecode must be one of ${Object.keys(TYPECODES).join(", ")}, got ${String(typecode)}`);
  }
  const code = typecode as Typecode;
  for (const v of init) checkItem(code, v, `each value of a ${what}`);
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const { lock = true } = options;
  let lockHandle: Handle | undefined;
  let lockObject: LockObject | undefined;
  if (lock === true) {
    lockHandle = handleOf(new RLock());
  } else if (lock instanceof Lock) {
    lockHandle = handleOf(lock);
  } else if (lock !== false) {
    throw new TypeError("lock must be true, false, or a Lock or RLock");
  }
  if (lockHandle) {
    const broker = localBroker();
    const object = lockHandle.address === broker.address ? broker.object(lockHandle.id) : undefined;
    if (!(object instanceof LockObject)) throw new TypeError(`the lock of a ${what} must be made in this process`);
    lockObject = object;
  }
  const meta: Meta = { typecode: code, length: init.length, lock: lockHandle };
  return serve(what, new TypedObject(code, init, lockObject), meta);
}

function meta(proxy: BrokerProxy): Meta {
  return proxy[HANDLE].meta as Meta;
}

/** The lock object each value hands out, so `getLock()` is the lock it was given, every time. */
const locks = new WeakMap<BrokerProxy, Lock>();

function lockOf(proxy: BrokerProxy): Lock {
  let lock = locks.get(proxy);
  if (lock) return lock;
  const handle = meta(proxy).lock;
  if (!handle) throw new TypeError(`this ${proxy.constructor.name} was made with lock: false: it has no lock`);
  lock = proxyOf<Lock>(handle);
  locks.set(proxy, lock);
  return lock;
}

function keepLock(proxy: BrokerProxy, options: SharedValueOptions): void {
  if (options.lock instanceof Lock) locks.set(proxy, options.lock);
}

/**
 * A number shared by processes (Python's `multiprocessing.Value`), stored as its C type says:
 * `"i"` an int32, `"d"` a double, `"q"` an int64 (a `bigint`)… (see {@linkcode Typecode}), so `set`
 * wraps and rounds as C does. `get()`/`set()` are each atomic; a read-modify-write of several steps
 * holds `getLock()`, as in Python (`with v.get_lock(): v.value += 1`) — or use `add()`, one atomic step.
 *
 * @typeParam T `number` (the default), or `bigint` for the 64-bit integer typecodes: `new Value<bigint>("q", 0n)`.
 *
 * @example
 * ```ts
 * import { Value } from "@cc/processes";
 * const counter = new Value("i", 0);
 * {
 *   await using _ = await counter.getLock().hold();
 *   await counter.set((await counter.get()) + 1);
 * }
 * console.assert((await counter.add(1)) === 2);
 * await counter.set(2 ** 31); // an int32 wraps, as in C
 * console.assert((await counter.get()) === -(2 ** 31));
 * ```
 */
export class Value<T extends number | bigint = number> extends BrokerProxy {
  /**
   * @param typecode The C type: `b B h H i I l L q Q f d` (Python's typecodes).
   * @param value The initial value.
   * @param options The lock.
   * @throws {TypeError} For an unknown typecode, or a value not of its type.
   */
  constructor(typecode: Typecode, value: NoInfer<T>, options: SharedValueOptions = {}) {
    super();
    attach(this, make(typecode, [value], options, "Value"));
    keepLock(this, options);
  }

  /**
   * The typecode (Python's `_type_`).
   *
   * @example
   * ```ts
   * import { Value } from "@cc/processes";
   * console.assert(new Value("d", 1.5).typecode === "d");
   * ```
   */
  get typecode(): Typecode {
    return meta(this).typecode;
  }

  /**
   * Reads the value (Python's `value`), waiting while another process holds its lock.
   *
   * @returns The value.
   *
   * @example
   * ```ts
   * import { Value } from "@cc/processes";
   * console.assert((await new Value("d", 1.5).get()) === 1.5);
   * ```
   */
  get(): Promise<T> {
    return invoke(this[HANDLE], "get", [0]) as Promise<T>;
  }

  /**
   * Writes the value (Python's `value = …`), waiting while another process holds its lock.
   *
   * @param value The new value, converted to the C type.
   * @returns Once written.
   * @throws {TypeError} If the value is not of the typecode's type.
   *
   * @example
   * ```ts
   * import { Value } from "@cc/processes";
   * const v = new Value("B", 0);
   * await v.set(257);
   * console.assert((await v.get()) === 1); // a uint8 wraps
   * ```
   */
  set(value: NoInfer<T>): Promise<void> {
    return invoke(this[HANDLE], "set", [0, value]) as Promise<void>;
  }

  /**
   * Adds `delta` in one atomic step and returns the new value (cc's own; Python needs the lock).
   *
   * @param delta What to add.
   * @returns The new value.
   *
   * @example
   * ```ts
   * import { Value } from "@cc/processes";
   * const v = new Value("i", 40);
   * console.assert((await v.add(2)) === 42);
   * ```
   */
  add(delta: T): Promise<T> {
    return invoke(this[HANDLE], "add", [0, delta]) as Promise<T>;
  }

  /**
   * The lock that guards the value (Python's `get_lock()`).
   *
   * @returns The lock (an `RLock` unless another was given).
   * @throws {TypeError} If the value was made with `lock: false`.
   *
   * @example
   * ```ts
   * import { RLock, Value } from "@cc/processes";
   * console.assert(new Value("i", 0).getLock() instanceof RLock);
   * ```
   */
  getLock(): Lock {
    return lockOf(this);
  }
}

/**
 * A fixed-length array of numbers shared by processes (Python's `multiprocessing.Array`), stored as its
 * C type says (see {@linkcode Value}). Each method is one atomic step; hold `getLock()` across several.
 *
 * @typeParam T `number`, or `bigint` for the 64-bit integer typecodes.
 *
 * @example
 * ```ts
 * import { SharedArray } from "@cc/processes";
 * const a = new SharedArray("i", [1, 2, 3]);
 * await a.set(0, 10);
 * console.assert(a.length === 3 && (await a.get(-1)) === 3);
 * console.assert((await a.toArray()).join() === "10,2,3");
 * const zeros = new SharedArray("d", 4); // a length: four zeros
 * console.assert((await zeros.toArray()).every((x) => x === 0));
 * ```
 */
export class SharedArray<T extends number | bigint = number> extends BrokerProxy {
  /**
   * @param typecode The C type: `b B h H i I l L q Q f d`.
   * @param init A length (the items are zeros) or the initial items.
   * @param options The lock.
   * @throws {TypeError} For an unknown typecode, or an item not of its type.
   * @throws {RangeError} For a length that is not an integer >= 0.
   */
  constructor(typecode: Typecode, init: number | readonly NoInfer<T>[], options: SharedValueOptions = {}) {
    super();
    let items: readonly unknown[];
    if (typeof init === "number") {
      if (!Number.isInteger(init) || init < 0) throw new RangeError(`length must be an integer >= 0, got ${init}`);
      const zero = typeof typecode === "string" && "lLqQ".includes(typecode) ? 0n : 0;
      items = new Array<unknown>(init).fill(zero);
    } else if (Array.isArray(init)) {
      items = init;
    } else {
      throw new TypeError("init must be a length or an array of items");
    }
    attach(this, make(typecode, items, options, "SharedArray"));
    keepLock(this, options);
  }

  /**
   * The number of items.
   *
   * @example
   * ```ts
   * import { SharedArray } from "@cc/processes";
   * console.assert(new SharedArray("i", 5).length === 5);
   * ```
   */
  get length(): number {
    return meta(this).length;
  }

  /**
   * The typecode.
   *
   * @example
   * ```ts
   * import { SharedArray } from "@cc/processes";
   * console.assert(new SharedArray("f", 1).typecode === "f");
   * ```
   */
  get typecode(): Typecode {
    return meta(this).typecode;
  }

  /**
   * Reads item `index` (negative counts from the end, as in Python).
   *
   * @param index The index.
   * @returns The item.
   * @throws {RangeError} If the index is out of range.
   *
   * @example
   * ```ts
   * import { SharedArray } from "@cc/processes";
   * console.assert((await new SharedArray("i", [4, 5]).get(1)) === 5);
   * ```
   */
  get(index: number): Promise<T> {
    return invoke(this[HANDLE], "get", [index]) as Promise<T>;
  }

  /**
   * Writes item `index`.
   *
   * @param index The index (negative counts from the end).
   * @param value The value.
   * @returns Once written.
   * @throws {RangeError} If the index is out of range.
   *
   * @example
   * ```ts
   * import { SharedArray } from "@cc/processes";
   * const a = new SharedArray("i", 2);
   * await a.set(-1, 9);
   * console.assert((await a.get(1)) === 9);
   * ```
   */
  set(index: number, value: T): Promise<void> {
    return invoke(this[HANDLE], "set", [index, value]) as Promise<void>;
  }

  /**
   * Adds `delta` to item `index` in one atomic step; returns the new item.
   *
   * @param index The index.
   * @param delta What to add.
   * @returns The new value of the item.
   *
   * @example
   * ```ts
   * import { SharedArray } from "@cc/processes";
   * console.assert((await new SharedArray("i", [1]).add(0, 1)) === 2);
   * ```
   */
  add(index: number, delta: T): Promise<T> {
    return invoke(this[HANDLE], "add", [index, delta]) as Promise<T>;
  }

  /**
   * Copies items `start` to `end` (Python's `arr[start:end]`), as `Array.prototype.slice` counts.
   *
   * @param start First index. Default: 0.
   * @param end Index after the last. Default: the length.
   * @returns The items.
   *
   * @example
   * ```ts
   * import { SharedArray } from "@cc/processes";
   * console.assert((await new SharedArray("i", [1, 2, 3]).slice(1)).join() === "2,3");
   * ```
   */
  slice(start?: number, end?: number): Promise<T[]> {
    return invoke(this[HANDLE], "slice", [start, end]) as Promise<T[]>;
  }

  /**
   * Writes `values` from `offset` on in one atomic step (Python's `arr[offset:…] = values`).
   *
   * @param values The values.
   * @param offset Where the first goes. Default: 0.
   * @returns Once written.
   * @throws {RangeError} If they do not fit.
   *
   * @example
   * ```ts
   * import { SharedArray } from "@cc/processes";
   * const a = new SharedArray("i", 3);
   * await a.setAll([7, 8], 1);
   * console.assert((await a.toArray()).join() === "0,7,8");
   * ```
   */
  setAll(values: readonly T[], offset = 0): Promise<void> {
    return invoke(this[HANDLE], "setAll", [values, offset]) as Promise<void>;
  }

  /**
   * Copies every item (Python's `arr[:]`).
   *
   * @returns The items.
   *
   * @example
   * ```ts
   * import { SharedArray } from "@cc/processes";
   * console.assert((await new SharedArray("i", [1, 2]).toArray()).length === 2);
   * ```
   */
  toArray(): Promise<T[]> {
    return this.slice();
  }

  /**
   * The lock that guards the array (Python's `get_lock()`).
   *
   * @returns The lock.
   * @throws {TypeError} If the array was made with `lock: false`.
   *
   * @example
   * ```ts
   * import { Lock, SharedArray } from "@cc/processes";
   * console.assert(new SharedArray("i", 1).getLock() instanceof Lock);
   * ```
   */
  getLock(): Lock {
    return lockOf(this);
  }
}

registerKind("Value", import.meta.url, Value);
registerKind("SharedArray", import.meta.url, SharedArray);
