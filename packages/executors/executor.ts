/**
 * The `Executor` interface, after Python's `concurrent.futures.Executor`.
 *
 * @module
 */
import type { Task } from "@cc/core";
import type { Future } from "@cc/futures";

/** Options of {@linkcode Executor.map}. */
export interface MapOptions {
  /**
   * Milliseconds from the call to `map` after which waiting for the next result throws
   * `TimeoutError` (Python's `timeout`). Default: no limit.
   */
  timeout?: number;
  /**
   * Items per call (Python's `chunksize`): a chunk's items run one after the other in one worker and its
   * results come back together. When one of them fails, the results of the items before it come out
   * first, then its error (the process pool of Python 3.11–3.13 loses the whole chunk); the items after
   * it do not run.
   * Default: 1, each item its own call, its result and its error at its own place; the pool still sends
   * tiny tasks hundreds to a message.
   */
  chunksize?: number;
  /**
   * Calls (chunks) submitted ahead of the consumer (Python 3.14's `buffersize`), a fixed bound; the call
   * to `map` submits the first of them. The input is read lazily either way, so a long or infinite
   * iterable runs in bounded memory. Default: adapts to
   * the measured time per result, about 4 ms of work ahead: from 2 items per worker (at least 4) up to
   * 1,024 items per worker for tiny tasks, back down as soon as tasks are slow.
   */
  buffersize?: number;
  /** Stops the map: unstarted items are cancelled and the iterator throws the reason. */
  signal?: AbortSignal;
}

/**
 * The inputs of {@linkcode Executor.map} over several iterables: one (sync or async) iterable per
 * parameter of the task, as in Python's `map(fn, *iterables)`.
 */
export type MapInputs<A extends unknown[]> = { [K in keyof A]: Iterable<A[K]> | AsyncIterable<A[K]> };

/** Options of {@linkcode Executor.shutdown}. */
export interface ShutdownOptions {
  /** Wait until every submitted task has finished and the workers have exited. Default: `true`. */
  wait?: boolean;
  /** Cancel the tasks that have not started. Default: `false`. */
  cancelFutures?: boolean;
  /**
   * Milliseconds after which the work still pending is stopped hard: queued tasks are cancelled, and
   * the workers of tasks still running are terminated, their futures failing with `CancelledError`.
   * Counted from this call; applies whether or not it waits. Default: none (wait for every task).
   */
  timeout?: number;
}

/**
 * Runs tasks asynchronously (Python's `concurrent.futures.Executor`). `submit` returns a
 * `Future`; `map` yields results in input order; `shutdown` releases the workers;
 * `await using executor = …` shuts down with `wait: true` at the end of the scope.
 */
export interface Executor extends AsyncDisposable {
  /** Schedules `task(...args)` and returns a future of its result. Throws after `shutdown`. */
  submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): Future<R>;
  /**
   * `task(item)` for each item, results in input order, reading the input lazily; the first calls are
   * submitted by the call itself. Over several iterables, `task(a, b, …)` with one item of each, ending
   * with the shortest (Python's `map(fn, *iterables)`); the options (an object that is not iterable)
   * come last.
   */
  map<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: MapOptions,
  ): AsyncIterableIterator<R>;
  map<A extends unknown[], R>(task: Task<A, R>, ...iterables: MapInputs<A>): AsyncIterableIterator<R>;
  map<A extends unknown[], R>(
    task: Task<A, R>,
    ...iterablesThenOptions: [...MapInputs<A>, MapOptions]
  ): AsyncIterableIterator<R>;
  /** Stops accepting tasks and releases the workers (see {@linkcode ShutdownOptions}). Idempotent. */
  shutdown(options?: ShutdownOptions): Promise<void>;
}
