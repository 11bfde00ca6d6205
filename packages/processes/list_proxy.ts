/**
 * {@linkcode ListProxy}: a list shared by processes, served by a `Manager` (Python's `ListProxy`).
 *
 * @module
 */

import { attach, BrokerProxy, copy, HANDLE, invoke, registerKind, serve } from "./_broker_client.ts";
import { ListObject } from "./_broker_data.ts";

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

registerKind("ListProxy", import.meta.url, ListProxy);
