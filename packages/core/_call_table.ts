// The calls in flight on one connection, by id. Ids are handed out in increasing order and most calls
// finish soon, in about the order they were made, so the table is a ring indexed by `id & mask`:
// adding, finding and removing a call touch one array slot, where a `Map` would hash and, as ids keep
// growing, rehash and reallocate its table. A call that stays in flight while many others pass (a long
// stream) is moved to a small overflow map instead of growing the ring without bound.

const INITIAL_CAPACITY = 64;
const MAX_CAPACITY = 1 << 16;

/** In-flight calls by id, for ids added in increasing order. */
export class CallTable<T> {
  #slots: (T | undefined)[] = new Array(INITIAL_CAPACITY).fill(undefined);
  #mask = INITIAL_CAPACITY - 1;
  /** No call in the ring has an id below this. */
  #oldest = 0;
  /** One past the highest id added. */
  #end = 0;
  #inRing = 0;
  #overflow: Map<number, T> | undefined;

  /** Number of calls in the table. */
  get size(): number {
    return this.#inRing + (this.#overflow?.size ?? 0);
  }

  /** Adds call `id`, which must be higher than every id added before. */
  add(id: number, value: T): void {
    if (id < this.#end) throw new RangeError(`call ids must increase: ${id} after ${this.#end - 1}`);
    if (this.#inRing === 0) this.#oldest = id;
    while (id - this.#oldest > this.#mask) this.#makeRoom(id);
    this.#slots[id & this.#mask] = value;
    this.#inRing++;
    this.#end = id + 1;
  }

  /** The call `id`, or `undefined` if it is not in flight. */
  get(id: number): T | undefined {
    if (id >= this.#end) return undefined;
    if (id < this.#oldest) return this.#overflow?.get(id);
    return this.#slots[id & this.#mask];
  }

  /** True if call `id` is in flight. */
  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  /** Removes call `id`; returns false if it was not in flight. */
  delete(id: number): boolean {
    if (id >= this.#end) return false;
    if (id < this.#oldest) return this.#overflow?.delete(id) ?? false;
    const at = id & this.#mask;
    if (this.#slots[at] === undefined) return false;
    this.#slots[at] = undefined;
    if (--this.#inRing === 0) this.#oldest = this.#end;
    else if (id === this.#oldest) this.#skipFreed();
    return true;
  }

  /** Removes every call and returns them, oldest first. */
  drain(): T[] {
    const out: T[] = this.#overflow ? [...this.#overflow.values()] : [];
    for (let id = this.#oldest; id < this.#end && this.#inRing > 0; id++) {
      const at = id & this.#mask;
      const value = this.#slots[at];
      if (value === undefined) continue;
      out.push(value);
      this.#slots[at] = undefined;
      this.#inRing--;
    }
    this.#overflow = undefined;
    this.#oldest = this.#end;
    return out;
  }

  #skipFreed(): void {
    while (this.#oldest < this.#end && this.#slots[this.#oldest & this.#mask] === undefined) this.#oldest++;
  }

  /** Makes the ring span up to `id`: grows it, or moves the calls that stayed longest to the overflow map. */
  #makeRoom(id: number): void {
    const capacity = this.#mask + 1;
    if (capacity < MAX_CAPACITY) {
      const slots: (T | undefined)[] = new Array(capacity * 2).fill(undefined);
      const mask = capacity * 2 - 1;
      for (let k = this.#oldest; k < this.#end; k++) slots[k & mask] = this.#slots[k & this.#mask];
      this.#slots = slots;
      this.#mask = mask;
      return;
    }
    // keep the newer half of the ring's span in the ring
    const keepFrom = id - (capacity >> 1);
    this.#overflow ??= new Map();
    for (let k = this.#oldest; k < keepFrom && k < this.#end; k++) {
      const at = k & this.#mask;
      const value = this.#slots[at];
      if (value === undefined) continue;
      this.#overflow.set(k, value);
      this.#slots[at] = undefined;
      this.#inRing--;
    }
    this.#oldest = Math.min(keepFrom, this.#end);
    if (this.#inRing === 0) this.#oldest = Math.max(this.#oldest, id);
    else this.#skipFreed();
  }
}
