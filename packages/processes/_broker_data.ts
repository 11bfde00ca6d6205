// The data objects a broker serves: queues, pipes, shared values and arrays, and a Manager's dicts and
// lists. Each runs one operation at a time (the broker is one event loop), so every operation is atomic.
import { isDeepStrictEqual } from "node:util";
import { InvalidStateError } from "@cc/core";
import { type BrokerObject, type Call, take, waitMs } from "./_broker.ts";
import type { LockObject } from "./_broker_sync.ts";
import { BrokenPipeError, EOFError, QueueEmpty, QueueFull } from "./primitive_errors.ts";

/** A first-in first-out list with O(1) shift. */
class Fifo {
  #items: unknown[] = [];
  #head = 0;
  get size(): number {
    return this.#items.length - this.#head;
  }
  push(item: unknown): void {
    this.#items.push(item);
  }
  shift(): unknown {
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

/** `Queue` and `JoinableQueue`. */
export class QueueObject implements BrokerObject {
  readonly #items = new Fifo();
  readonly #maxsize: number;
  readonly #getters = new Set<Call>();
  readonly #putters = new Set<Call>();
  readonly #joiners = new Set<Call>();
  #unfinished = 0;

  constructor(maxsize: number) {
    this.#maxsize = maxsize;
  }

  call(op: string, args: unknown[], call: Call): void {
    switch (op) {
      case "put":
        this.#put(args[0], waitMs(args[1]), call);
        return;
      case "get":
        this.#get(waitMs(args[0]), call);
        return;
      case "qsize":
        call.ok(this.#items.size);
        return;
      case "empty":
        call.ok(this.#items.size === 0);
        return;
      case "full":
        call.ok(this.#maxsize > 0 && this.#items.size >= this.#maxsize);
        return;
      case "taskDone":
        if (this.#unfinished <= 0) throw new RangeError("taskDone() called more times than there were items");
        if (--this.#unfinished === 0) for (let j = take(this.#joiners); j; j = take(this.#joiners)) j.ok();
        call.ok();
        return;
      case "join":
        if (this.#unfinished === 0) {
          call.ok();
          return;
        }
        call.wait(this.#joiners, Number.POSITIVE_INFINITY, () => {});
        return;
      default:
        throw new TypeError(`Queue has no operation "${op}"`);
    }
  }

  #put(item: unknown, timeout: number, call: Call): void {
    if (this.#maxsize > 0 && this.#items.size >= this.#maxsize) {
      if (timeout <= 0) {
        call.fail(new QueueFull());
        return;
      }
      call.data = item;
      call.wait(this.#putters, timeout, (c) => c.fail(new QueueFull()));
      return;
    }
    this.#add(item);
    call.ok();
  }

  #add(item: unknown): void {
    this.#unfinished++;
    const getter = take(this.#getters);
    if (getter) getter.ok(item);
    else this.#items.push(item);
  }

  #get(timeout: number, call: Call): void {
    if (this.#items.size > 0) {
      call.ok(this.#items.shift());
      const putter = take(this.#putters);
      if (putter) {
        this.#add(putter.data);
        putter.ok();
      }
      return;
    }
    if (timeout <= 0) {
      call.fail(new QueueEmpty());
      return;
    }
    call.wait(this.#getters, timeout, (c) => c.fail(new QueueEmpty()));
  }
}

/** `Pipe`: two ends, each with its inbox; end 0 reads and end 1 writes when it is one-way. */
export class PipeObject implements BrokerObject {
  readonly #duplex: boolean;
  readonly #inbox = [new Fifo(), new Fifo()] as const;
  readonly #receivers = [new Set<Call>(), new Set<Call>()] as const;
  readonly #pollers = [new Set<Call>(), new Set<Call>()] as const;
  readonly #closed = [false, false];
  /** The processes (connections) that used each end: an end only dead processes used closes. */
  readonly #users = [new Set<number>(), new Set<number>()] as const;

  constructor(duplex: boolean) {
    this.#duplex = duplex;
  }

  #close(end: 0 | 1): void {
    if (this.#closed[end]) return;
    const other = end === 1 ? 0 : 1;
    this.#closed[end] = true;
    for (let r = take(this.#receivers[end]); r; r = take(this.#receivers[end])) {
      r.fail(new InvalidStateError("The connection was closed"));
    }
    for (let r = take(this.#receivers[other]); r; r = take(this.#receivers[other])) {
      r.fail(new EOFError("The other end of the pipe is closed"));
    }
    for (let p = take(this.#pollers[other]); p; p = take(this.#pollers[other])) p.ok(true);
  }

  /**
   * A process ended: an end that only it used is closed, as the OS closes a dead process's pipe
   * handles (the other end's `recv` then ends with `EOFError` instead of waiting for ever).
   */
  disconnect(conn: number): void {
    for (const end of [0, 1] as const) {
      const users = this.#users[end];
      if (users.delete(conn) && users.size === 0) this.#close(end);
    }
  }

  call(op: string, args: unknown[], call: Call): void {
    const end = args[0] === 1 ? 1 : 0;
    const other = end === 1 ? 0 : 1;
    if (op === "closed") {
      call.ok(this.#closed[end]);
      return;
    }
    if (op === "close") {
      this.#close(end);
      call.ok();
      return;
    }
    this.#users[end].add(call.conn);
    if (this.#closed[end]) throw new InvalidStateError("The connection is closed");
    switch (op) {
      case "send": {
        if (!this.#duplex && end === 0) throw new InvalidStateError("This end of a one-way pipe only receives");
        if (this.#closed[other]) throw new BrokenPipeError("The other end of the pipe is closed");
        const receiver = take(this.#receivers[other]);
        if (receiver) receiver.ok(args[1]);
        else {
          this.#inbox[other].push(args[1]);
          for (let p = take(this.#pollers[other]); p; p = take(this.#pollers[other])) p.ok(true);
        }
        call.ok();
        return;
      }
      case "recv":
        if (!this.#duplex && end === 1) throw new InvalidStateError("This end of a one-way pipe only sends");
        if (this.#inbox[end].size > 0) {
          call.ok(this.#inbox[end].shift());
          return;
        }
        if (this.#closed[other]) throw new EOFError("The other end of the pipe is closed");
        call.wait(this.#receivers[end], Number.POSITIVE_INFINITY, () => {});
        return;
      case "poll": {
        if (!this.#duplex && end === 1) throw new InvalidStateError("This end of a one-way pipe only sends");
        const timeout = waitMs(args[1]);
        if (this.#inbox[end].size > 0 || this.#closed[other]) {
          call.ok(true);
          return;
        }
        if (timeout <= 0) {
          call.ok(false);
          return;
        }
        call.wait(this.#pollers[end], timeout, (c) => c.ok(false));
        return;
      }
      default:
        throw new TypeError(`Pipe has no operation "${op}"`);
    }
  }
}

/**
 * A C type of a `Value` or `SharedArray`, as Python's typecodes name it: `b`/`B` 8-bit, `h`/`H`
 * 16-bit, `i`/`I` 32-bit, `l`/`L` and `q`/`Q` 64-bit (`bigint`) signed/unsigned integers, `f` a
 * float32, `d` a float64.
 */
export type Typecode = "b" | "B" | "h" | "H" | "i" | "I" | "l" | "L" | "q" | "Q" | "f" | "d";

/** Python's typecodes, as typed arrays. */
export const TYPECODES: Readonly<Record<Typecode, { readonly BYTES_PER_ELEMENT: number }>> = {
  b: Int8Array,
  B: Uint8Array,
  h: Int16Array,
  H: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  l: BigInt64Array,
  L: BigUint64Array,
  q: BigInt64Array,
  Q: BigUint64Array,
  f: Float32Array,
  d: Float64Array,
};

function isBig(typecode: Typecode): boolean {
  return "lLqQ".includes(typecode);
}

/** Checks a value for a typecode: a number, or a bigint for the 64-bit integer codes. */
export function checkItem(typecode: Typecode, value: unknown, what: string): void {
  const big = isBig(typecode);
  if (big ? typeof value !== "bigint" : typeof value !== "number") {
    throw new TypeError(
      `${what} must be a ${big ? "bigint" : "number"} for typecode "${typecode}", got ${typeof value}`,
    );
  }
}

/** `Value` (length 1) and `Array`: a typed array, with its lock or none. */
export class TypedObject implements BrokerObject {
  readonly #typecode: Typecode;
  readonly #cells: Int8Array | BigInt64Array | Float64Array;
  readonly #lock: LockObject | undefined;

  constructor(typecode: Typecode, init: readonly unknown[], lock: LockObject | undefined) {
    this.#typecode = typecode;
    const Cells = TYPECODES[typecode] as unknown as new (n: number) => Int8Array;
    this.#cells = new Cells(init.length);
    for (let i = 0; i < init.length; i++) this.#store(i, init[i]);
    this.#lock = lock;
  }

  #store(i: number, value: unknown): void {
    checkItem(this.#typecode, value, "the value");
    (this.#cells as unknown as unknown[])[i] = value;
  }

  #index(i: unknown): number {
    const n = this.#cells.length;
    if (typeof i !== "number" || !Number.isInteger(i))
      throw new TypeError(`index must be an integer, got ${String(i)}`);
    const at = i < 0 ? i + n : i;
    if (at < 0 || at >= n) throw new RangeError(`index ${i} is out of range for an array of length ${n}`);
    return at;
  }

  call(op: string, args: unknown[], call: Call): void {
    const run = (): void => {
      try {
        call.ok(this.#op(op, args));
      } catch (error) {
        call.fail(error);
      }
    };
    if (this.#lock) this.#lock.guard(call, run);
    else run();
  }

  #op(op: string, args: unknown[]): unknown {
    const cells = this.#cells as unknown as unknown[] & {
      length: number;
      slice(a?: number, b?: number): ArrayLike<unknown>;
    };
    switch (op) {
      case "get":
        return cells[this.#index(args[0])];
      case "set":
        this.#store(this.#index(args[0]), args[1]);
        return undefined;
      case "add": {
        const at = this.#index(args[0]);
        checkItem(this.#typecode, args[1], "the increment");
        this.#store(at, (cells[at] as number) + (args[1] as number));
        return cells[at];
      }
      case "slice":
        return Array.from(cells.slice(args[0] as number | undefined, args[1] as number | undefined));
      case "setAll": {
        const values = args[0] as unknown[];
        const start = (args[1] as number | undefined) ?? 0;
        if (start < 0 || start + values.length > cells.length) {
          throw new RangeError(
            `cannot write ${values.length} item(s) at ${start} into an array of length ${cells.length}`,
          );
        }
        for (const v of values) checkItem(this.#typecode, v, "each value");
        for (let i = 0; i < values.length; i++) this.#store(start + i, values[i]);
        return undefined;
      }
      default:
        throw new TypeError(`shared value has no operation "${op}"`);
    }
  }
}

function checkKey(key: unknown): void {
  const t = typeof key;
  if (t !== "string" && t !== "number" && t !== "bigint" && t !== "boolean") {
    throw new TypeError(
      `a shared dict's key must be a string, number, bigint or boolean, got ${key === null ? "null" : t}`,
    );
  }
}

/** A Manager's `dict`. */
export class DictObject implements BrokerObject {
  readonly #map = new Map<unknown, unknown>();

  constructor(entries: readonly (readonly [unknown, unknown])[]) {
    for (const [k] of entries) checkKey(k);
    for (const [k, v] of entries) this.#map.set(k, v);
  }

  call(op: string, args: unknown[], call: Call): void {
    const map = this.#map;
    const [key, value] = args;
    switch (op) {
      case "get":
        call.ok(map.has(key) ? map.get(key) : value);
        return;
      case "set":
        checkKey(key);
        map.set(key, value);
        call.ok();
        return;
      case "has":
        call.ok(map.has(key));
        return;
      case "delete":
        call.ok(map.delete(key));
        return;
      case "pop": {
        const had = map.has(key);
        const out = had ? map.get(key) : value;
        map.delete(key);
        call.ok(out);
        return;
      }
      case "setDefault":
        checkKey(key);
        if (!map.has(key)) map.set(key, value);
        call.ok(map.get(key));
        return;
      case "update":
        for (const [k] of key as [unknown, unknown][]) checkKey(k);
        for (const [k, v] of key as [unknown, unknown][]) map.set(k, v);
        call.ok();
        return;
      case "add": {
        checkKey(key);
        const old = map.has(key) ? map.get(key) : 0;
        if (typeof old !== "number" || typeof value !== "number") {
          throw new TypeError(`add() needs a number at key ${String(key)} and a number to add`);
        }
        map.set(key, old + value);
        call.ok(old + value);
        return;
      }
      case "size":
        call.ok(map.size);
        return;
      case "clear":
        map.clear();
        call.ok();
        return;
      case "keys":
        call.ok([...map.keys()]);
        return;
      case "values":
        call.ok([...map.values()]);
        return;
      case "entries":
        call.ok([...map.entries()]);
        return;
      default:
        throw new TypeError(`DictProxy has no operation "${op}"`);
    }
  }
}

/** A Manager's `list`. */
export class ListObject implements BrokerObject {
  #items: unknown[];

  constructor(items: unknown[]) {
    this.#items = items;
  }

  #index(i: unknown, insert = false): number {
    const n = this.#items.length;
    if (typeof i !== "number" || !Number.isInteger(i))
      throw new TypeError(`index must be an integer, got ${String(i)}`);
    if (insert) return Math.min(Math.max(i < 0 ? i + n : i, 0), n); // Python's insert clamps
    const at = i < 0 ? i + n : i;
    if (at < 0 || at >= n) throw new RangeError(`list index ${i} out of range (length ${n})`);
    return at;
  }

  call(op: string, args: unknown[], call: Call): void {
    const items = this.#items;
    switch (op) {
      case "get":
        call.ok(items[this.#index(args[0])]);
        return;
      case "set":
        items[this.#index(args[0])] = args[1];
        call.ok();
        return;
      case "append":
        items.push(args[0]);
        call.ok(items.length);
        return;
      case "extend":
        for (const v of args[0] as unknown[]) items.push(v);
        call.ok(items.length);
        return;
      case "insert":
        items.splice(this.#index(args[0], true), 0, args[1]);
        call.ok();
        return;
      case "pop": {
        if (items.length === 0) throw new RangeError("pop from an empty list");
        const at = this.#index(args[0] ?? -1);
        call.ok(items.splice(at, 1)[0]);
        return;
      }
      case "remove": {
        const at = items.findIndex((v) => isDeepStrictEqual(v, args[0]));
        if (at < 0) throw new RangeError("list.remove(x): x not in list");
        items.splice(at, 1);
        call.ok();
        return;
      }
      case "index": {
        const at = items.findIndex((v) => isDeepStrictEqual(v, args[0]));
        if (at < 0) throw new RangeError("list.index(x): x not in list");
        call.ok(at);
        return;
      }
      case "count":
        call.ok(items.filter((v) => isDeepStrictEqual(v, args[0])).length);
        return;
      case "length":
        call.ok(items.length);
        return;
      case "slice":
        call.ok(items.slice(args[0] as number | undefined, args[1] as number | undefined));
        return;
      case "clear":
        this.#items = [];
        call.ok();
        return;
      default:
        throw new TypeError(`ListProxy has no operation "${op}"`);
    }
  }
}
