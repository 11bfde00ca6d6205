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

/** What `runMap` reads: an iterable of items (one argument each) or, with `spread`, of argument lists. */
export type MapInput<T> = Iterable<T> | AsyncIterable<T>;

/**
 * Runs `task` over `iterable` on `executor` (see `Executor.map`). `ordered: false` yields each result
 * as soon as it is ready (Python's `Pool.imap_unordered`), with the same bounds, timeout and abort.
 * With `spread`, each item is an argument list (`task(...item)`: several zipped iterables, `istarmap`).
 *
 * The first `buffersize` calls (or the first window of the adaptive read-ahead) are submitted by this
 * call, before any iteration, as Python's `map` does; a synchronous input is opened and read here.
 */
export function runMap<T, R>(
  executor: ChunkSubmitter,
  task: Task,
  iterable: MapInput<T>,
  options: MapOptions,
  maxWorkers: number,
  ordered = true,
  clock: () => number = now,
  maxQueue = Number.POSITIVE_INFINITY,
  spread = false,
  name: string = ordered ? "map" : "imapUnordered",
): AsyncIterableIterator<R> {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const chunksize = options.chunksize === undefined ? 1 : checkCount("chunksize", options.chunksize, 1);
  const buffersize = options.buffersize === undefined ? undefined : checkCount("buffersize", options.buffersize, 1);
  const { timeout, signal } = options;
  if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("signal must be an AbortSignal");
  const isAsync = typeof (iterable as AsyncIterable<T>)?.[Symbol.asyncIterator] === "function";
  if (!isAsync && typeof (iterable as Iterable<T>)?.[Symbol.iterator] !== "function") {
    throw new TypeError(`${name}() needs an iterable or an async iterable`);
  }
  const deadline = timeout === undefined ? undefined : performance.now() + Math.max(0, timeout);
  const workers = Math.max(1, maxWorkers);
  // never more calls ahead than the pool's queue takes (`maxQueue`): submit would throw QueueFullError
  const minCalls = Math.min(Math.max(MIN_AHEAD, MIN_AHEAD_PER_WORKER * workers), maxQueue);
  const maxItems = Math.min(Math.max(MIN_AHEAD, MAX_AHEAD_PER_WORKER * workers), maxQueue * chunksize);
  return start<T, R>(executor, task, iterable, {
    isAsync,
    chunksize,
    buffersize,
    minCalls,
    maxItems,
    deadline,
    signal,
    ordered,
    spread,
    name,
    clock,
  });
}

/**
 * Whether `value` is `map`'s options rather than an input: `undefined`, or an object that is not
 * iterable (no input can be one). Lets `map(task, a, b, { chunksize })` take its options last.
 */
export function isMapOptions(value: unknown): value is MapOptions | undefined {
  if (value === undefined) return true;
  if (typeof value !== "object" || value === null) return false;
  return !(Symbol.iterator in value || Symbol.asyncIterator in value);
}

/**
 * Python's `zip(*iterables)` over sync and async iterables: argument lists, ending with the shortest
 * input; closing it closes every input. Opens the inputs at once (as Python's `map` does).
 */
export function zipInputs(iterables: readonly unknown[], name: string): MapInput<unknown[]> {
  iterables.forEach((input, i) => {
    const ok =
      typeof (input as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === "function" ||
      typeof (input as Iterable<unknown>)?.[Symbol.iterator] === "function";
    if (ok) return;
    const what = input === null ? "null" : typeof input;
    const hint = what === "object" ? " that is not iterable (the options go last)" : "";
    throw new TypeError(`${name}() needs iterables or async iterables: argument ${i + 2} is ${what}${hint}`);
  });
  const anyAsync = iterables.some((x) => typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function");
  if (!anyAsync) {
    const its = iterables.map((x) => (x as Iterable<unknown>)[Symbol.iterator]());
    let open = true;
    const close = (except = -1): void => {
      open = false;
      for (let j = 0; j < its.length; j++) if (j !== except) its[j]!.return?.();
    };
    const zipped: IterableIterator<unknown[]> = {
      next() {
        if (!open) return { value: undefined, done: true };
        const args = new Array(its.length);
        for (let i = 0; i < its.length; i++) {
          let step: IteratorResult<unknown>;
          try {
            step = its[i]!.next();
          } catch (error) {
            close(i); // a failed input is done; the others are closed
            throw error;
          }
          if (step.done) {
            close(i); // the shortest is done: close the others (it closed itself)
            return { value: undefined, done: true };
          }
          args[i] = step.value;
        }
        return { value: args, done: false };
      },
      return() {
        if (open) close();
        return { value: undefined, done: true };
      },
      [Symbol.iterator]() {
        return this;
      },
    };
    return zipped;
  }
  const its = iterables.map((x) =>
    typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
      ? (x as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (x as Iterable<unknown>)[Symbol.iterator](),
  );
  let open = true;
  const closeAll = async (except = -1): Promise<void> => {
    open = false;
    await Promise.all(its.map((it, j) => (j === except ? undefined : it.return?.())));
  };
  const zipped: AsyncIterableIterator<unknown[]> = {
    async next() {
      if (!open) return { value: undefined, done: true };
      const args = new Array(its.length);
      for (let i = 0; i < its.length; i++) {
        let step: IteratorResult<unknown>;
        try {
          step = await its[i]!.next();
        } catch (error) {
          await closeAll(i); // a failed input is done; the others are closed
          throw error;
        }
        if (step.done) {
          await closeAll(i);
          return { value: undefined, done: true };
        }
        args[i] = step.value;
      }
      return { value: args, done: false };
    },
    async return() {
      if (open) await closeAll();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return zipped;
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
  /** Each item is an argument list. */
  readonly spread: boolean;
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

/** A chunk's future that failed at one of its items, with the results of the items before it. */
export interface ChunkFailure {
  /** Results of the chunk's items before the failing one (set when the chunk failed). */
  partial?: unknown[];
}

const ignore = (): void => {};

/** Sets up a map, submits its first calls, and returns its iterator (see `runMap`). */
function start<T, R>(
  executor: ChunkSubmitter,
  task: Task,
  iterable: MapInput<T>,
  { isAsync, chunksize, buffersize, minCalls, maxItems, deadline, signal, ordered, spread, name, clock }: Plan,
): AsyncIterableIterator<R> {
  // opened by the call, as Python's `map` opens its iterables
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
  /** The input is done: ended, failed, or closed. */
  let exhausted = false;
  /**
   * The input failed, or a submit did (the pool was shut down, broken or full): no more reading, and
   * the error is raised after the results of the items submitted before it (Python's `Pool.imap`).
   */
  let failure: { error: unknown } | undefined;
  const ahead = buffersize === undefined ? new ReadAhead(Math.min(minCalls, maxItems), maxItems) : undefined;
  /** Items submitted and not yet consumed. */
  let inFlight = 0;
  /** Items read, for messages. */
  let read = 0;
  // an async input is read in growing groups submitted together, so that they leave in one message
  let group = 1;

  /** Submits one call (a chunk of `values`); false if the submit failed (recorded in `failure`). */
  const submit = (values: unknown[]): boolean => {
    let future: Future<unknown>;
    try {
      if (chunksize === 1) {
        future = spread ? executor.submit(task, ...(values[0] as unknown[])) : executor.submit(task, values[0]);
      } else {
        future = executor._submitChunk(task, spread ? (values as unknown[][]) : values.map((v) => [v]));
      }
    } catch (error) {
      failure = { error };
      return false;
    }
    inFlight += values.length;
    if (ordered) pending.push(future);
    else {
      running.add(future);
      future.addDoneCallback(onDone);
    }
    return true;
  };

  /** Checks an item read; records the failure of an input that is not one of argument lists. */
  const accept = (value: unknown): boolean => {
    read++;
    if (!spread || Array.isArray(value)) return true;
    // the input stays open until `cleanup` closes it, as after a failed submit
    failure = { error: new TypeError(`${name}() needs argument lists: item ${read - 1} is ${typeof value}`) };
    return false;
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

  // `eager`: the call to `map` itself, which reads without a break (as Python's `map` does)
  const fillSync = async (it: Iterator<T>, eager: boolean): Promise<void> => {
    let slice = clock();
    ahead?.update(slice);
    let left = room();
    let values: unknown[] = [];
    let count = 0;
    while (left > 0) {
      signal?.throwIfAborted(); // an abort stops the reading, even while results are ready
      let step: IteratorResult<T>;
      try {
        step = it.next();
      } catch (error) {
        // a failed input is done; an unfinished chunk is dropped (Python's `Pool.imap`)
        exhausted = true;
        failure = { error };
        return;
      }
      if (step.done) {
        exhausted = true;
        break;
      }
      if (!accept(step.value)) return;
      values.push(step.value);
      if (values.length === chunksize) {
        if (!submit(values)) return;
        values = [];
        left--;
      }
      // every few items, give the pump a turn if reading has been slow
      if (!eager && ((++count & 7) === 0 || count < 8)) {
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
    while (left > 0 && !exhausted && failure === undefined) {
      // read a group of items, then submit them together (one pump, few messages)
      // (whole chunks: only the input's end makes a short one)
      const size = Math.min(Math.ceil(group / chunksize) * chunksize, left * chunksize);
      const values: unknown[] = [];
      const start = clock();
      while (values.length < size) {
        signal?.throwIfAborted();
        let step: IteratorResult<T>;
        try {
          step = await it.next();
        } catch (error) {
          exhausted = true;
          failure = { error };
          values.length -= values.length % chunksize; // an unfinished chunk is dropped (Python's `Pool.imap`)
          break;
        }
        if (step.done) {
          exhausted = true;
          break;
        }
        if (!accept(step.value)) {
          values.length -= values.length % chunksize;
          break;
        }
        values.push(step.value);
      }
      // a quick input earns bigger groups; a slow one goes back to one item at a time
      group = clock() - start < FILL_SLICE_MS ? Math.min(group * 2, 1024) : 1;
      for (let i = 0; i < values.length; i += chunksize) {
        if (!submit(values.slice(i, i + chunksize))) return;
        left--;
      }
    }
  };

  const fill = (eager = false): Promise<void> | undefined => {
    if (exhausted || failure !== undefined || !low()) return undefined;
    signal?.throwIfAborted();
    return isAsync ? fillAsync(iterator as AsyncIterator<T>) : fillSync(iterator as Iterator<T>, eager);
  };

  /** Waits for `future` within the deadline; a timeout fails the whole map. */
  const settled = async (future: Future<unknown>): Promise<unknown> => {
    if (future.done()) return future.resultNow(); // a ready result is returned even past the deadline (Python)
    const remaining = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
    try {
      return await future.result({ timeout: remaining, signal });
    } catch (error) {
      // the task's own error, a TimeoutError too, is its item's: only the wait's timeout is map's
      if (future.done() && !future.cancelled() && future.exceptionNow() === error) throw error;
      future.cancel();
      if (deadline !== undefined && error instanceof TimeoutError) {
        const left = pending.length + running.size + (ordered ? 1 : 0);
        throw new TimeoutError(`${name}() timed out: ${left} result(s) not ready`, { cause: error });
      }
      throw error;
    }
  };

  const cleanup = async (): Promise<void> => {
    wake = undefined;
    for (const future of pending.drain()) future.cancel();
    for (const future of running) future.cancel();
    if (!exhausted) {
      exhausted = true;
      await iterator.return?.();
    }
  };

  // the first calls leave now, before any iteration (Python's `map` submits when called)
  let first: Promise<void> | undefined;
  if (!signal?.aborted) {
    first = fill(true);
    first?.catch(ignore); // raised by the first next()
  }
  let begun = false;

  async function* loop(): AsyncGenerator<R, void, undefined> {
    begun = true;
    try {
      signal?.throwIfAborted();
      if (first !== undefined) await first;
      first = undefined;
      while (pending.length > 0 || running.size > 0) {
        signal?.throwIfAborted();
        if (pending.length === 0) {
          wake = new Future<void>();
          await settled(wake); // the next one to finish
          continue;
        }
        const future = pending.shift()!;
        let value: unknown;
        try {
          value = future.done() ? future.resultNow() : await settled(future);
        } catch (error) {
          // a chunk that failed at one of its items: the results before that item come first
          const partial = chunksize > 1 ? (future as ChunkFailure).partial : undefined;
          if (partial !== undefined) for (const item of partial) yield item as R;
          throw error;
        }
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
      if (failure !== undefined) throw failure.error;
    } finally {
      await cleanup();
    }
  }

  const iterator_ = loop();
  // a map closed before its first next() still cancels its calls and closes its input (a generator's
  // `finally` only runs once it has started)
  const closeGenerator = iterator_.return.bind(iterator_);
  iterator_.return = async (): Promise<IteratorResult<R, void>> => {
    if (!begun) {
      begun = true;
      await first?.catch(ignore);
      await cleanup();
    }
    return closeGenerator();
  };
  return iterator_;
}
