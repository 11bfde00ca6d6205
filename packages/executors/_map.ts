// Executor.map: results in input order, the input read lazily with a bounded, adaptive read-ahead.
import { type Task, TimeoutError } from "@cc/core";
import { Future } from "@cc/futures";
import { checkCount } from "./_checks.ts";
import { Deque } from "./_deque.ts";
import type { MapOptions } from "./executor.ts";

/** What `runMap` needs of an executor. */
export interface ChunkSubmitter {
  submit(task: Task, ...args: unknown[]): Future<unknown>;
  _submitChunk<R>(task: Task, chunk: unknown[][]): Future<R[]>;
}

// Without `buffersize`, the map keeps about AHEAD_MS of work submitted ahead of the consumer, measured
// as the time per result over epochs of at least EPOCH_MS: tiny tasks get thousands in flight (the
// engine then sends them hundreds to a message), slow ones a few per worker, so a slow or endless input
// is not read far ahead. It starts at MIN_AHEAD_PER_WORKER per worker (the first results come as soon
// as the first tasks end: items always travel one call each unless `chunksize` says otherwise) and at
// most doubles per epoch, up to MAX_AHEAD_PER_WORKER per worker. It refills once half of it has been
// consumed, so that refills leave in few messages instead of one message per item.
const AHEAD_MS = 4;
const EPOCH_MS = 1;
const MIN_AHEAD_PER_WORKER = 2;
const MIN_AHEAD = 4;
/** Most items read ahead of the consumer per worker, when `buffersize` is not given (for the tests). */
export const MAX_AHEAD_PER_WORKER = 1024;
// A synchronous input is read in slices of at most FILL_SLICE_MS: a slow `next()` does not hold back
// the dispatch of the items already read.
const FILL_SLICE_MS = 1;

/**
 * Runs `task` over `iterable` on `executor` (see `Executor.map`). `ordered: false` yields each result
 * as soon as it is ready (Python's `Pool.imap_unordered`), with the same bounds, timeout and abort.
 */
export function runMap<T, R>(
  executor: ChunkSubmitter,
  task: Task,
  iterable: Iterable<T> | AsyncIterable<T>,
  options: MapOptions,
  maxWorkers: number,
  ordered = true,
  clock: () => number = now,
  maxQueue = Number.POSITIVE_INFINITY,
): AsyncIterableIterator<R> {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const chunksize = options.chunksize === undefined ? 1 : checkCount("chunksize", options.chunksize, 1);
  const buffersize = options.buffersize === undefined ? undefined : checkCount("buffersize", options.buffersize, 1);
  const { timeout, signal } = options;
  if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
  }
  const name = ordered ? "map" : "imapUnordered";
  const isAsync = typeof (iterable as AsyncIterable<T>)?.[Symbol.asyncIterator] === "function";
  if (!isAsync && typeof (iterable as Iterable<T>)?.[Symbol.iterator] !== "function") {
    throw new TypeError(`${name}() needs an iterable or an async iterable`);
  }
  const deadline = timeout === undefined ? undefined : performance.now() + Math.max(0, timeout);
  const workers = Math.max(1, maxWorkers);
  // never more calls ahead than the pool's queue takes (`maxQueue`): submit would throw QueueFullError
  const minCalls = Math.min(Math.max(MIN_AHEAD, MIN_AHEAD_PER_WORKER * workers), maxQueue);
  const maxItems = Math.min(Math.max(MIN_AHEAD, MAX_AHEAD_PER_WORKER * workers), maxQueue * chunksize);
  return generate<T, R>(executor, task, iterable, {
    isAsync,
    chunksize,
    buffersize,
    minCalls,
    maxItems,
    deadline,
    signal,
    ordered,
    name,
    clock,
  });
}

const now = (): number => performance.now();

interface Plan {
  readonly isAsync: boolean;
  readonly chunksize: number;
  /** Most submissions (chunks) in flight, if given; else the read-ahead adapts. */
  readonly buffersize: number | undefined;
  /** Least calls kept in flight by the adaptive read-ahead (enough for every worker). */
  readonly minCalls: number;
  /** Most items the adaptive read-ahead keeps in flight. */
  readonly maxItems: number;
  readonly deadline: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly ordered: boolean;
  /** The method, for messages. */
  readonly name: string;
  /** Milliseconds, for the read-ahead and the reading slices (the tests pass their own). */
  readonly clock: () => number;
}

/**
 * The adaptive read-ahead: how many items to keep submitted ahead of the consumer, from the measured
 * time per result. Exported for its tests.
 */
export class ReadAhead {
  /** Items to keep in flight. */
  target: number;
  #epochStart = -1;
  #epochDone = 0;
  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    this.target = min;
  }

  /** `n` more results were consumed. */
  done(n: number): void {
    this.#epochDone += n;
  }

  /** Called before a refill: closes the epoch if it is long enough and updates `target`. */
  update(now: number): void {
    if (this.#epochStart < 0) {
      this.#epochStart = now;
      this.#epochDone = 0;
      return;
    }
    const elapsed = now - this.#epochStart;
    if (elapsed < EPOCH_MS || this.#epochDone === 0) return;
    const want = Math.max(this.min, Math.min(this.max, Math.floor((AHEAD_MS * this.#epochDone) / elapsed)));
    this.target = want > this.target ? Math.min(want, this.target * 2) : want;
    this.#epochStart = now;
    this.#epochDone = 0;
  }
}

async function* generate<T, R>(
  executor: ChunkSubmitter,
  task: Task,
  iterable: Iterable<T> | AsyncIterable<T>,
  { isAsync, chunksize, buffersize, minCalls, maxItems, deadline, signal, ordered, name, clock }: Plan,
): AsyncGenerator<R, void, undefined> {
  // made here, on the first next(): a map left before it starts never opens the input
  const iterator = isAsync
    ? (iterable as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (iterable as Iterable<T>)[Symbol.iterator]();
  // ordered: every future, in input order. Unordered: the finished ones, in the order they finished,
  // while the others wait in `running`.
  const pending = new Deque<Future<unknown>>();
  const running = new Set<Future<unknown>>();
  let wake: Future<void> | undefined;
  const onDone = (future: Future<unknown>): void => {
    running.delete(future);
    pending.push(future);
    const waiting = wake;
    wake = undefined;
    if (waiting !== undefined && !waiting.done()) waiting.setResult(undefined);
  };
  let exhausted = false;
  const ahead = buffersize === undefined ? new ReadAhead(Math.min(minCalls, maxItems), maxItems) : undefined;
  /** Items submitted and not yet consumed. */
  let inFlight = 0;
  // an async input is read in growing groups submitted together, so that they leave in one message
  let group = 1;

  const submit = (values: unknown[]): void => {
    let future: Future<unknown>;
    if (chunksize === 1) {
      future = executor.submit(task, values[0]);
    } else {
      future = executor._submitChunk(
        task,
        values.map((v) => [v]),
      );
    }
    inFlight += values.length;
    if (ordered) pending.push(future);
    else {
      running.add(future);
      future.addDoneCallback(onDone);
    }
  };

  /** Items to keep in flight: the adaptive target, and at least `minCalls` calls. */
  const targetItems = (): number => Math.min(maxItems, Math.max(ahead!.target, minCalls * chunksize));

  /** Calls (chunks) to submit now. */
  const room = (): number => {
    if (ahead === undefined) return buffersize! - (pending.length + running.size);
    return Math.ceil((targetItems() - inFlight) / chunksize);
  };

  /** Whether to refill now: always under `buffersize`, else once half the target has been consumed. */
  const low = (): boolean => {
    if (ahead === undefined) return pending.length + running.size < buffersize!;
    return inFlight <= targetItems() >> 1;
  };

  const fillSync = async (it: Iterator<T>): Promise<void> => {
    let slice = clock();
    ahead?.update(slice);
    let left = room();
    let values: unknown[] = [];
    let read = 0;
    while (left > 0) {
      signal?.throwIfAborted(); // an abort stops the reading, even while results are ready
      const step = it.next();
      if (step.done) {
        exhausted = true;
        break;
      }
      values.push(step.value);
      if (values.length === chunksize) {
        submit(values);
        values = [];
        left--;
      }
      // every few items, give the pump a turn if reading has been slow
      if ((++read & 7) === 0 || read < 8) {
        const t = clock();
        if (t - slice >= FILL_SLICE_MS) {
          await undefined; // the pump (a microtask queued by the first submit) dispatches what was read
          slice = clock();
          left = Math.min(left, room());
        }
      }
    }
    if (values.length > 0) submit(values);
  };

  const fillAsync = async (it: AsyncIterator<T>): Promise<void> => {
    ahead?.update(clock());
    let left = room();
    while (left > 0 && !exhausted) {
      // read a group of items, then submit them together (one pump, few messages)
      // (whole chunks: only the input's end makes a short one)
      const size = Math.min(Math.ceil(group / chunksize) * chunksize, left * chunksize);
      const values: unknown[] = [];
      const start = clock();
      while (values.length < size) {
        signal?.throwIfAborted();
        const step = await it.next();
        if (step.done) {
          exhausted = true;
          break;
        }
        values.push(step.value);
      }
      // a quick input earns bigger groups; a slow one goes back to one item at a time
      group = clock() - start < FILL_SLICE_MS ? Math.min(group * 2, 1024) : 1;
      for (let i = 0; i < values.length; i += chunksize) {
        submit(values.slice(i, i + chunksize));
        left--;
      }
    }
  };

  const fill = (): Promise<void> | undefined => {
    if (exhausted || !low()) return undefined;
    signal?.throwIfAborted();
    return isAsync ? fillAsync(iterator as AsyncIterator<T>) : fillSync(iterator as Iterator<T>);
  };

  /** Waits for `future` within the deadline; a timeout fails the whole map. */
  const settled = async (future: Future<unknown>): Promise<unknown> => {
    if (future.done()) return future.resultNow(); // a ready result is returned even past the deadline (Python)
    const remaining = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
    try {
      return await future.result({ timeout: remaining, signal });
    } catch (error) {
      future.cancel();
      if (error instanceof TimeoutError) {
        const left = pending.length + running.size + (ordered ? 1 : 0);
        throw new TimeoutError(`${name}() timed out: ${left} result(s) not ready`, { cause: error });
      }
      throw error;
    }
  };

  try {
    signal?.throwIfAborted();
    await fill();
    while (pending.length > 0 || running.size > 0) {
      signal?.throwIfAborted();
      if (pending.length === 0) {
        wake = new Future<void>();
        await settled(wake); // the next one to finish
        continue;
      }
      const future = pending.shift()!;
      const value = future.done() ? future.resultNow() : await settled(future);
      if (chunksize === 1) {
        inFlight--;
        ahead?.done(1);
        const filling = fill();
        if (filling !== undefined) await filling;
        yield value as R;
      } else {
        const values = value as R[];
        inFlight -= values.length;
        ahead?.done(values.length);
        const filling = fill();
        if (filling !== undefined) await filling;
        for (const item of values) yield item;
      }
    }
  } finally {
    wake = undefined;
    for (const future of pending.drain()) future.cancel();
    for (const future of running) future.cancel();
    if (!exhausted) await iterator.return?.();
  }
}
