/**
 * A growable ring buffer (double-ended queue): O(1) push/shift/pop without `Array.shift()`.
 *
 * @module
 */

/** Array-backed ring buffer; capacity is a power of two and grows by doubling. */
export class Deque<T> {
  #buf: (T | undefined)[];
  #mask: number;
  #head = 0;
  #size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.#buf = new Array<T | undefined>(cap);
    this.#mask = cap - 1;
  }

  /** Number of items. */
  get length(): number {
    return this.#size;
  }

  /** Appends at the back. */
  push(item: T): void {
    if (this.#size > this.#mask) this.#grow();
    this.#buf[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the front item (`undefined` when empty). */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#buf[this.#head];
    this.#buf[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#size--;
    return item;
  }

  /** Removes and returns the back item (`undefined` when empty). */
  pop(): T | undefined {
    if (this.#size === 0) return undefined;
    this.#size--;
    const i = (this.#head + this.#size) & this.#mask;
    const item = this.#buf[i];
    this.#buf[i] = undefined;
    return item;
  }

  /** The front item without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#buf[this.#head];
  }

  /** Removes every item. */
  clear(): void {
    this.#buf = new Array<T | undefined>(this.#buf.length);
    this.#head = 0;
    this.#size = 0;
  }

  /** Iterates front to back. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.#buf[(this.#head + i) & this.#mask] as T;
  }

  #grow(): void {
    const old = this.#buf;
    const cap = old.length;
    const next = new Array<T | undefined>(cap * 2);
    for (let i = 0; i < this.#size; i++) next[i] = old[(this.#head + i) & this.#mask];
    this.#buf = next;
    this.#head = 0;
    this.#mask = cap * 2 - 1;
  }
}
