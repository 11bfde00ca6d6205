/**
 * {@linkcode DictProxy}: a dict shared by processes, served by a `Manager` (Python's `DictProxy`).
 *
 * @module
 */

import { attach, BrokerProxy, copy, HANDLE, invoke, registerKind, serve } from "./_broker_client.ts";
import { DictObject } from "./_broker_data.ts";

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

registerKind("DictProxy", import.meta.url, DictProxy);
