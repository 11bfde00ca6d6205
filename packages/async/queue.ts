/**
 * `Queue`, `PriorityQueue`, `LifoQueue`: Python's `asyncio.Queue` family (with 3.13's `shutdown`).
 *
 * @module
 */
import { InvalidStateError } from "@cc/core";
import { Deque } from "./_deque.ts";
import { checkCount, checkSignal, type Deferred, deferred, describe } from "./_util.ts";
import type { WaitOptions } from "./semaphore.ts";

/**
 * Raised by `getNowait()` on an empty queue (Python's `asyncio.QueueEmpty`).
 *
 * @example
 * ```ts
 * import { Queue, QueueEmpty } from "@cc/async";
 * try { new Queue().getNowait(); } catch (e) { console.assert(e instanceof QueueEmpty); }
 * ```
 */
export class QueueEmpty extends Error {
  override name = "QueueEmpty";
  constructor(message = "The queue is empty", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Raised by `putNowait()` on a full queue (Python's `asyncio.QueueFull`).
 *
 * @example
 * ```ts
 * import { Queue, QueueFull } from "@cc/async";
 * const q = new Queue<number>({ maxsize: 1 });
 * q.putNowait(1);
 * try { q.putNowait(2); } catch (e) { console.assert(e instanceof QueueFull); }
 * ```
 */
export class QueueFull extends Error {
  override name = "QueueFull";
  constructor(message = "The queue is full", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Raised by `put` after `shutdown()`, and by `get` once a shut-down queue is empty
 * (Python 3.13's `asyncio.QueueShutDown`).
 *
 * @example
 * ```ts
 * import { Queue, QueueShutDown } from "@cc/async";
 * const q = new Queue();
 * q.shutdown();
 * try { q.putNowait(1); } catch (e) { console.assert(e instanceof QueueShutDown); }
 * ```
 */
export class QueueShutDown extends Error {
  override name = "QueueShutDown";
  constructor(message = "The queue is shut down", options?: ErrorOptions) {
    super(message, options);
  }
}

/** Options of {@linkcode Queue}. */
export interface QueueOptions {
  /**
   * The most items the queue holds; `put` waits while it is full. 0 (or `Infinity`) means no limit.
   * @default {0}
   */
  maxsize?: number;
}

/** Options of {@linkcode Queue.shutdown}. */
export interface QueueShutdownOptions {
  /**
   * When true, the queue is emptied at once (its items count as done for `join()`), and pending
   * `get`s reject; when false, `get` keeps returning the items left, then rejects.
   * @default {false}
   */
  immediate?: boolean;
}

interface Waiter {
  // biome-ignore lint/suspicious/noExplicitAny: getters resolve with an item, putters with nothing.
  resolve: (value: any) => void;
  reject: (reason: unknown) => void;
  item: unknown;
  cancelled: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A first-in first-out queue for producers and consumers (Python's `asyncio.Queue`).
 *
 * `put`/`get` wait while the queue is full/empty (fairly, FIFO, each with an optional
 * `AbortSignal`); `putNowait`/`getNowait` throw `QueueFull`/`QueueEmpty` instead. `taskDone()` and
 * `join()` track processing; `shutdown()` ends it (Python 3.13). `for await (const item of q)` gets
 * items until the queue is shut down and empty (it does not call `taskDone()` for you). As with any
 * promise, an item that is itself a thenable is unwrapped by `await q.get()`.
 *
 * @typeParam T The item type.
 *
 * @example
 * ```ts
 * import { Queue } from "@cc/async";
 * const q = new Queue<number>({ maxsize: 2 });
 * const consumer = (async () => { let sum = 0; for await (const x of q) { sum += x; q.taskDone(); } return sum; })();
 * for (const x of [1, 2, 3, 4]) await q.put(x);
 * await q.join();
 * q.shutdown();
 * console.assert((await consumer) === 10);
 * ```
 */
export class Queue<T> implements AsyncIterable<T> {
  #maxsize: number;
  #items = new Deque<T>();
  #getters = new Deque<Waiter>();
  #liveGetters = 0;
  #putters = new Deque<Waiter>();
  #unfinished = 0;
  #join: Deferred<void> | undefined;
  #shutdown = false;

  /**
   * @param options The `maxsize`.
   * @throws {RangeError} If `maxsize` is not an integer ≥ 0 or `Infinity`
   */
  constructor(options?: QueueOptions) {
    const maxsize = checkCount(options?.maxsize ?? 0, "Queue maxsize", 0, true);
    this.#maxsize = maxsize === Number.POSITIVE_INFINITY ? 0 : maxsize;
  }

  /**
   * The size limit (0: none).
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * console.assert(new Queue({ maxsize: 2 }).maxsize === 2 && new Queue().maxsize === 0); // 0: unbounded
   * ```
   */
  get maxsize(): number {
    return this.#maxsize;
  }

  /**
   * The number of items in the queue.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * const q = new Queue<string>();
   * q.putNowait("a");
   * console.assert(q.qsize() === 1);
   * ```
   */
  qsize(): number {
    return this._size();
  }

  /**
   * True if the queue holds no item.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * const q = new Queue<number>();
   * console.assert(q.empty());
   * ```
   */
  empty(): boolean {
    return this._size() === 0;
  }

  /**
   * True if the queue holds `maxsize` items.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * const q = new Queue<number>({ maxsize: 1 });
   * q.putNowait(1);
   * console.assert(q.full());
   * ```
   */
  full(): boolean {
    return this.#maxsize > 0 && this._size() >= this.#maxsize;
  }

  /**
   * True once `shutdown()` was called.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * const q = new Queue<number>();
   * q.shutdown();
   * console.assert(q.isShutdown);
   * ```
   */
  get isShutdown(): boolean {
    return this.#shutdown;
  }

  /**
   * Puts an item, waiting while the queue is full. Rejects with `QueueShutDown` after `shutdown()`,
   * with `signal.reason` if aborted while waiting (the item is then not added).
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * const q = new Queue<number>({ maxsize: 1 });
   * await q.put(1);
   * const second = q.put(2); // waits for room
   * console.assert((await q.get()) === 1);
   * await second;
   * console.assert(q.qsize() === 1);
   * ```
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    const signal = options === undefined ? undefined : checkSignal(options.signal);
    if (this.#shutdown) return Promise.reject(new QueueShutDown());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#offer(item)) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      this.#putters.push(this.#waiter(resolve, reject, item, signal, false));
    });
  }

  /**
   * Puts an item without waiting.
   * @throws {QueueFull} If the queue is full
   * @throws {QueueShutDown} After `shutdown()`
   *
   * @example
   * ```ts
   * import { Queue, QueueFull } from "@cc/async";
   * const q = new Queue<number>({ maxsize: 1 });
   * q.putNowait(1);
   * try {
   *   q.putNowait(2);
   * } catch (e) {
   *   console.assert(e instanceof QueueFull);
   * }
   * ```
   */
  putNowait(item: T): void {
    if (this.#shutdown) throw new QueueShutDown();
    if (!this.#offer(item)) throw new QueueFull(`The queue is full: maxsize is ${this.#maxsize}`);
  }

  /**
   * Removes and returns an item, waiting while the queue is empty. Rejects with `QueueShutDown`
   * when the queue is shut down and empty, with `signal.reason` if aborted while waiting.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * const q = new Queue<string>();
   * setTimeout(() => q.putNowait("late"), 5);
   * console.assert((await q.get()) === "late"); // waits for an item
   * ```
   */
  get(options?: WaitOptions): Promise<T> {
    const signal = options === undefined ? undefined : checkSignal(options.signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this._size() > 0) return Promise.resolve(this.#take());
    if (this.#shutdown) return Promise.reject(new QueueShutDown());
    return new Promise<T>((resolve, reject) => {
      this.#getters.push(this.#waiter(resolve, reject, undefined, signal, true));
      this.#liveGetters++;
    });
  }

  /**
   * Removes and returns an item without waiting.
   * @throws {QueueEmpty} If the queue is empty
   * @throws {QueueShutDown} If it is shut down and empty
   *
   * @example
   * ```ts
   * import { Queue, QueueEmpty } from "@cc/async";
   * const q = new Queue<number>();
   * try {
   *   q.getNowait();
   * } catch (e) {
   *   console.assert(e instanceof QueueEmpty);
   * }
   * ```
   */
  getNowait(): T {
    if (this._size() > 0) return this.#take();
    if (this.#shutdown) throw new QueueShutDown();
    throw new QueueEmpty();
  }

  /**
   * Marks one item taken by `get` as processed.
   * @throws {InvalidStateError} If called more times than items were put
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * const q = new Queue<number>();
   * q.putNowait(1);
   * await q.get();
   * q.taskDone(); // the item is processed: join() can resolve
   * await q.join();
   * ```
   */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new InvalidStateError("taskDone() called too many times");
    if (--this.#unfinished === 0) this.#finishJoin();
  }

  /**
   * Resolves once every item put has been marked with `taskDone()` (or dropped by an immediate shutdown).
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * const q = new Queue<number>();
   * for (const n of [1, 2, 3]) q.putNowait(n);
   * let sum = 0;
   * const worker = (async () => {
   *   for (;;) {
   *     sum += await q.get();
   *     q.taskDone();
   *   }
   * })();
   * await q.join(); // every item was gotten and marked done
   * console.assert(sum === 6);
   * q.shutdown({ immediate: true });
   * await worker.catch(() => {}); // the worker's get() rejects with QueueShutDown
   * ```
   */
  join(): Promise<void> {
    if (this.#unfinished === 0) return RESOLVED;
    return (this.#join ??= deferred<void>()).promise;
  }

  /**
   * Shuts the queue down (Python 3.13): later `put`s reject with `QueueShutDown`, waiting `put`s too;
   * `get` drains what is left (unless `immediate`) and then rejects with `QueueShutDown`.
   *
   * @example
   * ```ts
   * import { Queue, QueueShutDown } from "@cc/async";
   * const q = new Queue<number>();
   * q.putNowait(1);
   * q.shutdown(); // puts now fail; gets drain what is left, then fail
   * console.assert((await q.get()) === 1);
   * console.assert((await q.get().catch((e: unknown) => e)) instanceof QueueShutDown);
   * ```
   */
  shutdown(options?: QueueShutdownOptions): void {
    this.#shutdown = true;
    if (options?.immediate) {
      while (this._size() > 0) {
        this._get();
        if (this.#unfinished > 0) this.#unfinished--;
      }
      if (this.#unfinished === 0) this.#finishJoin();
    }
    while (this.#getters.length > 0) this.#drop(this.#getters.shift() as Waiter);
    this.#liveGetters = 0;
    while (this.#putters.length > 0) this.#drop(this.#putters.shift() as Waiter);
  }

  /**
   * Iterates with `get()` until the queue is shut down and empty.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/async";
   * const q = new Queue<number>();
   * for (const n of [1, 2]) q.putNowait(n);
   * q.shutdown(); // ends the loop once drained
   * const seen: number[] = [];
   * for await (const n of q) seen.push(n);
   * console.assert(seen.join() === "1,2");
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    const done: IteratorResult<T> = { value: undefined, done: true };
    return {
      next: (): Promise<IteratorResult<T>> =>
        this.get().then(
          (value) => ({ value, done: false }),
          (error) => {
            if (error instanceof QueueShutDown) return done;
            throw error;
          },
        ),
      return: (): Promise<IteratorResult<T>> => Promise.resolve(done),
    };
  }

  /** Storage hook: adds an item (subclasses change the order). */
  protected _put(item: T): void {
    this.#items.push(item);
  }

  /** Storage hook: removes the next item. */
  protected _get(): T {
    return this.#items.shift() as T;
  }

  /** Storage hook: the number of stored items. */
  protected _size(): number {
    return this.#items.length;
  }

  #offer(item: T): boolean {
    if (this.#liveGetters > 0) {
      // Someone waits, so the queue is empty: hand the item over directly.
      while (this.#getters.length > 0) {
        const w = this.#getters.shift() as Waiter;
        if (w.cancelled) continue;
        this.#liveGetters--;
        this.#unfinished++;
        this.#settle(w);
        w.resolve(item);
        return true;
      }
    }
    if (this.#maxsize > 0 && this._size() >= this.#maxsize) return false;
    this._put(item);
    this.#unfinished++;
    return true;
  }

  #take(): T {
    const item = this._get();
    while (this.#putters.length > 0) {
      const w = this.#putters.shift() as Waiter;
      if (w.cancelled) continue;
      this._put(w.item as T);
      this.#unfinished++;
      this.#settle(w);
      w.resolve(undefined);
      break;
    }
    return item;
  }

  #waiter(
    // biome-ignore lint/suspicious/noExplicitAny: see Waiter.
    resolve: (v: any) => void,
    reject: (e: unknown) => void,
    item: unknown,
    signal: AbortSignal | undefined,
    getter: boolean,
  ): Waiter {
    const w: Waiter = { resolve, reject, item, cancelled: false, signal, onAbort: undefined };
    if (signal !== undefined) {
      w.onAbort = () => {
        w.cancelled = true;
        w.item = undefined;
        if (getter) this.#liveGetters--;
        reject(signal.reason);
      };
      signal.addEventListener("abort", w.onAbort, { once: true });
    }
    return w;
  }

  #settle(w: Waiter): void {
    if (w.signal !== undefined) w.signal.removeEventListener("abort", w.onAbort as () => void);
  }

  #drop(w: Waiter): void {
    if (w.cancelled) return;
    this.#settle(w);
    w.reject(new QueueShutDown());
  }

  #finishJoin(): void {
    this.#join?.resolve();
    this.#join = undefined;
  }
}

/**
 * A queue that returns the most recently added item first (Python's `asyncio.LifoQueue`).
 *
 * @example
 * ```ts
 * import { LifoQueue } from "@cc/async";
 * const q = new LifoQueue<number>();
 * q.putNowait(1); q.putNowait(2);
 * console.assert(q.getNowait() === 2);
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  #stack: T[] = [];
  protected override _put(item: T): void {
    this.#stack.push(item);
  }
  protected override _get(): T {
    return this.#stack.pop() as T;
  }
  protected override _size(): number {
    return this.#stack.length;
  }
}

/** Options of {@linkcode PriorityQueue}. */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders items: negative if `a` comes first. The default compares numbers, bigints and strings
   * with `<`, and arrays element by element like Python tuples (`[priority, data]`).
   * @default {compareDefault}
   */
  compare?: (a: T, b: T) => number;
}

/**
 * Python-like ordering: numbers, bigints and strings by `<`; arrays lexicographically.
 * @throws {TypeError} If two values cannot be compared
 *
 * @example
 * ```ts
 * import { compareDefault } from "@cc/async";
 * console.assert(compareDefault([1, "b"], [1, "c"]) < 0 && compareDefault(2, 1) > 0);
 * ```
 */
export function compareDefault(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareDefault(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const ta = typeof a;
  if ((ta === "number" || ta === "bigint" || ta === "string") && ta === typeof b) {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  throw new TypeError(`Cannot order ${describe(a)} and ${describe(b)}: pass a compare function`);
}

/**
 * A queue that returns the smallest item first (Python's `asyncio.PriorityQueue`), kept as a binary heap.
 * Put `[priority, data]` pairs, or pass `compare`.
 *
 * @example
 * ```ts
 * import { PriorityQueue } from "@cc/async";
 * const q = new PriorityQueue<[number, string]>();
 * q.putNowait([2, "low"]); q.putNowait([1, "high"]);
 * console.assert(q.getNowait()[1] === "high");
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  #heap: T[] = [];
  #compare: (a: T, b: T) => number;

  constructor(options?: PriorityQueueOptions<T>) {
    super(options);
    const compare = options?.compare ?? compareDefault;
    if (typeof compare !== "function") {
      throw new TypeError(`Cannot use compare as it must be a function: received ${describe(compare)}`);
    }
    this.#compare = compare;
  }

  protected override _put(item: T): void {
    const h = this.#heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compare(h[i] as T, h[parent] as T) >= 0) break;
      [h[i], h[parent]] = [h[parent] as T, h[i] as T];
      i = parent;
    }
  }

  protected override _get(): T {
    const h = this.#heap;
    const top = h[0] as T;
    const last = h.pop() as T;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#compare(h[l] as T, h[m] as T) < 0) m = l;
        if (r < h.length && this.#compare(h[r] as T, h[m] as T) < 0) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as T, h[i] as T];
        i = m;
      }
    }
    return top;
  }

  protected override _size(): number {
    return this.#heap.length;
  }
}
