/**
 * {@linkcode Queue} and {@linkcode JoinableQueue}: Python's `multiprocessing.Queue` and
 * `multiprocessing.JoinableQueue`, shared by the process that makes them and the child processes they
 * are passed to.
 *
 * @module
 */

import { attach, BrokerProxy, HANDLE, invoke, registerKind, serve } from "./_broker_client.ts";
import { QueueObject } from "./_broker_data.ts";
import { timeoutOf, type WaitOptions } from "./wait_options.ts";

/** Options of {@linkcode Queue}. */
export interface QueueOptions {
  /**
   * The most items the queue holds; `put` waits while it is full. 0 (or `Infinity`) means no limit.
   *
   * @default {0}
   */
  maxsize?: number;
}

function maxsizeOf(options: QueueOptions): number {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const { maxsize = 0 } = options;
  if (maxsize === Number.POSITIVE_INFINITY) return 0;
  if (typeof maxsize !== "number" || !Number.isInteger(maxsize) || maxsize < 0) {
    throw new RangeError(`maxsize must be an integer >= 0 or Infinity, got ${String(maxsize)}`);
  }
  return maxsize;
}

/**
 * A first-in first-out queue shared by processes (Python's `multiprocessing.Queue`). Make it in the
 * parent and pass it to a `Process` (as an argument of its target, or a field of a `Process` subclass)
 * or to a `Pool` / `ProcessPoolExecutor` task; every copy works on the same queue, which lives in the
 * process that made it (see "How the primitives work" in the README).
 *
 * Items are copied with structured clone (Python pickles them): an object changed after `put` is not
 * changed in the queue. Every method returns a promise, since a child's call is a round trip to the
 * process that made the queue; `put`/`get` wait while the queue is full/empty (in FIFO order), up to a
 * `timeout`, and then throw `QueueFull`/`QueueEmpty`, as Python's do.
 *
 * @typeParam T The item type.
 *
 * @example Producer and consumer in one process
 * ```ts
 * import { Queue, QueueEmpty } from "@cc/processes";
 * const q = new Queue<string>({ maxsize: 2 });
 * await q.put("a");
 * await q.put("b");
 * console.assert((await q.qsize()) === 2 && (await q.full()));
 * console.assert((await q.get()) === "a" && (await q.get()) === "b");
 * let empty = false;
 * try { await q.get({ timeout: 10 }); } catch (e) { empty = e instanceof QueueEmpty; }
 * console.assert(empty);
 * ```
 *
 * @example Children hand results back (Python's classic)
 * ```ts no-run
 * import { isMainModule, task } from "@cc/core";
 * import { Process, Queue } from "@cc/processes";
 * export async function work(id: number, results: Queue<string>): Promise<void> {
 *   await results.put(`done ${id}`);
 * }
 * if (isMainModule(import.meta)) {
 *   const results = new Queue<string>();
 *   const ps = [1, 2, 3].map((id) => new Process({ target: task<typeof work>(import.meta.url, "work"), args: [id, results] }));
 *   for (const p of ps) p.start();
 *   for (let i = 0; i < 3; i++) console.log(await results.get());
 *   for (const p of ps) await p.join();
 * }
 * ```
 */
export class Queue<T = unknown> extends BrokerProxy {
  /**
   * @param options The `maxsize`.
   * @throws {RangeError} If `maxsize` is not an integer >= 0 or `Infinity`.
   */
  constructor(options: QueueOptions = {}) {
    super();
    const kind = new.target === JoinableQueue ? "JoinableQueue" : "Queue";
    attach(this, serve(kind, new QueueObject(maxsizeOf(options))));
  }

  /**
   * Puts an item at the end, waiting while the queue is full (Python's `put`).
   *
   * @param item The item (copied with structured clone).
   * @param options Timeout (ms) and abort signal.
   * @returns Once the item is in the queue.
   * @throws {QueueFull} If the queue is still full when the timeout passes.
   * @throws {TypeError} If the item cannot be copied to another process.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/processes";
   * const q = new Queue<number>();
   * await q.put(1);
   * console.assert((await q.get()) === 1);
   * ```
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    return invoke(this[HANDLE], "put", [item, timeoutOf(options)], options?.signal) as Promise<void>;
  }

  /**
   * Puts an item if there is room now, else throws `QueueFull` (Python's `put_nowait`).
   *
   * @param item The item.
   * @returns Once the item is in the queue.
   * @throws {QueueFull} If the queue is full.
   *
   * @example
   * ```ts
   * import { Queue, QueueFull } from "@cc/processes";
   * const q = new Queue<number>({ maxsize: 1 });
   * await q.putNowait(1);
   * let full = false;
   * try { await q.putNowait(2); } catch (e) { full = e instanceof QueueFull; }
   * console.assert(full);
   * ```
   */
  putNowait(item: T): Promise<void> {
    return invoke(this[HANDLE], "put", [item, 0]) as Promise<void>;
  }

  /**
   * Takes the first item, waiting while the queue is empty (Python's `get`).
   *
   * @param options Timeout (ms) and abort signal.
   * @returns The item.
   * @throws {QueueEmpty} If the queue is still empty when the timeout passes.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/processes";
   * const q = new Queue<number>();
   * const got = q.get(); // waits
   * await q.put(7);
   * console.assert((await got) === 7);
   * ```
   */
  get(options?: WaitOptions): Promise<T> {
    return invoke(this[HANDLE], "get", [timeoutOf(options)], options?.signal) as Promise<T>;
  }

  /**
   * Takes the first item if there is one now, else throws `QueueEmpty` (Python's `get_nowait`).
   *
   * @returns The item.
   * @throws {QueueEmpty} If the queue is empty.
   *
   * @example
   * ```ts
   * import { Queue, QueueEmpty } from "@cc/processes";
   * let empty = false;
   * try { await new Queue().getNowait(); } catch (e) { empty = e instanceof QueueEmpty; }
   * console.assert(empty);
   * ```
   */
  getNowait(): Promise<T> {
    return invoke(this[HANDLE], "get", [0]) as Promise<T>;
  }

  /**
   * The number of items in the queue now (Python's `qsize`; others may change it at once).
   *
   * @returns The number of items.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/processes";
   * const q = new Queue();
   * await q.put("x");
   * console.assert((await q.qsize()) === 1);
   * ```
   */
  qsize(): Promise<number> {
    return invoke(this[HANDLE], "qsize", []) as Promise<number>;
  }

  /**
   * Whether the queue is empty now (Python's `empty`).
   *
   * @returns `true` if empty.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/processes";
   * console.assert(await new Queue().empty());
   * ```
   */
  empty(): Promise<boolean> {
    return invoke(this[HANDLE], "empty", []) as Promise<boolean>;
  }

  /**
   * Whether the queue is full now (Python's `full`); never with no `maxsize`.
   *
   * @returns `true` if full.
   *
   * @example
   * ```ts
   * import { Queue } from "@cc/processes";
   * console.assert(!(await new Queue().full()));
   * ```
   */
  full(): Promise<boolean> {
    return invoke(this[HANDLE], "full", []) as Promise<boolean>;
  }
}

/**
 * A {@linkcode Queue} that counts unfinished items (Python's `multiprocessing.JoinableQueue`): each
 * `put` adds one, each `taskDone()` takes one off, and `join()` waits until every item put was done.
 *
 * @typeParam T The item type.
 *
 * @example
 * ```ts
 * import { JoinableQueue } from "@cc/processes";
 * const q = new JoinableQueue<number>();
 * await q.put(1);
 * await q.put(2);
 * const joined = q.join();
 * for (let i = 0; i < 2; i++) {
 *   await q.get();
 *   await q.taskDone();
 * }
 * await joined; // both items were done
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /**
   * Says that an item taken with `get` was processed (Python's `task_done`).
   *
   * @returns Once counted.
   * @throws {RangeError} If called more times than items were put.
   *
   * @example
   * ```ts
   * import { JoinableQueue } from "@cc/processes";
   * const q = new JoinableQueue<string>();
   * await q.put("job");
   * await q.get();
   * await q.taskDone();
   * await q.join(); // nothing unfinished
   * ```
   */
  taskDone(): Promise<void> {
    return invoke(this[HANDLE], "taskDone", []) as Promise<void>;
  }

  /**
   * Waits until every item put has been marked done with `taskDone()` (Python's `join`).
   *
   * @returns Once nothing is unfinished.
   *
   * @example
   * ```ts
   * import { JoinableQueue } from "@cc/processes";
   * await new JoinableQueue().join(); // nothing was put: resolves at once
   * ```
   */
  join(): Promise<void> {
    return invoke(this[HANDLE], "join", []) as Promise<void>;
  }
}

registerKind("Queue", import.meta.url, Queue);
registerKind("JoinableQueue", import.meta.url, JoinableQueue);
