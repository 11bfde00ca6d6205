/**
 * Python's `multiprocessing.Pool` on child processes, on cc's one pool engine.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { assertNotBootstrapping, BrokenProcessPool, CancelledError, InvalidStateError, type Task } from "@cc/core";
import { type MapOptions, PoolExecutor, type PoolExecutorOptions, type PoolStats } from "@cc/executors";
import { Future } from "@cc/futures";
import { NESTED_RUNNER, nestedCall } from "./_pool_args.ts";
import { AsyncResult } from "./async_result.ts";

/** The engine's entries `Pool` uses: `@internal` in `@cc/executors`, so absent from its published types. */
interface PoolEngine extends PoolExecutor {
  _submitChunk<R>(task: Task, chunk: unknown[][]): Future<R[]>;
  _map<T, R>(
    task: Task,
    iterable: Iterable<T> | AsyncIterable<T>,
    options: MapOptions,
    ordered: boolean,
    spread?: boolean,
    name?: string,
  ): AsyncIterableIterator<R>;
}

/** Options of {@linkcode Pool}. */
export interface PoolOptions extends Pick<PoolExecutorOptions, "execArgv" | "env" | "resourceLimits"> {
  /**
   * Number of worker processes (Python's `processes`).
   *
   * @default {os.availableParallelism()}
   */
  processes?: number;
  /** A task run once in each worker process before its first task (Python's `initializer`). Default: none. */
  initializer?: Task;
  /** Arguments of `initializer` (Python's `initargs`). Default: `[]`. */
  initArgs?: unknown[];
  /** Tasks a worker process runs before it is replaced by a fresh one (Python's `maxtasksperchild`). Default: unlimited. */
  maxtasksperchild?: number;
}

/** Items per process `Pool.map` and `Pool.starmap` keep submitted at a time (they submit the rest as calls finish). */
const MAP_ITEMS_PER_PROCESS = 1024;

/** Options of {@linkcode Pool.map} and {@linkcode Pool.starmap}. */
export interface PoolMapOptions {
  /**
   * Items per call: a chunk's items run one after the other in one worker, and its results come back
   * together. Default: 1, each item its own call (not Python's `ceil(items / (4 × processes))`: the engine
   * already sends tiny calls hundreds to a message, and single calls balance slow items across the
   * processes). Either way at most 1,024 items per process are submitted at a time, the rest as calls finish.
   */
  chunksize?: number;
}

/** Options of {@linkcode Pool.imap} and {@linkcode Pool.imapUnordered}. */
export interface PoolImapOptions {
  /**
   * Items per call (Python's `chunksize`): a chunk's items run one after the other in one worker, and
   * its results come back together. Default: 1, each item its own call; the engine still sends many
   * calls per message, and reads the input ahead by the measured task time (thousands of items ahead
   * for tiny tasks, a few per process for slow ones), as `ProcessPoolExecutor.map` does.
   */
  chunksize?: number;
}

/** Options of {@linkcode Pool.applyAsync}, {@linkcode Pool.mapAsync} and {@linkcode Pool.starmapAsync}. */
export interface ApplyAsyncOptions<R> {
  /** Called with the result when the call succeeds (Python's `callback`). Default: none. */
  callback?: (result: R) => void;
  /** Called with the error when the call fails (Python's `error_callback`). Default: none. */
  errorCallback?: (error: unknown) => void;
}

/**
 * Options of {@linkcode Pool.applyAsync}: the callbacks, and a `signal` — cc's cooperative cancellation,
 * which Python's `apply_async` lacks.
 *
 * @example Stop one call, not the pool
 * ```ts no-run
 * import { task } from "@cc/core";
 * import { Pool } from "@cc/processes";
 * const download = task<(id: number) => Promise<string>>(new URL("./download.js", import.meta.url), "download");
 * await using pool = new Pool({ processes: 2 });
 * const controller = new AbortController();
 * const result = pool.applyAsync(download, [123], { signal: controller.signal });
 * controller.abort(new Error("Interrupted")); // the task's own signal aborts; it cleans up and returns
 * await result.wait(); // result.successful() === false: the call rejected with the reason
 * ```
 */
export interface PoolApplyOptions<R> extends ApplyAsyncOptions<R> {
  /**
   * Cancels the call: while queued it is removed (the call rejects with `CancelledError`); while
   * running, the task's own signal (`currentTask().signal` of `@cc/core`) aborts and the call rejects
   * with the signal's reason at once. The worker process goes on: a task that honours its signal can
   * clean up (remove a temporary file) before it returns. Default: none.
   */
  signal?: AbortSignal;
}

function positiveInteger(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${typeof value} ${String(value)}`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${value}`);
  return value;
}

function toArray<T>(iterable: Iterable<T>, what: string): T[] {
  if (Array.isArray(iterable)) return iterable;
  if (typeof (iterable as Iterable<T>)?.[Symbol.iterator] !== "function") {
    throw new TypeError(`${what}() needs an iterable, got ${iterable === null ? "null" : typeof iterable}`);
  }
  return [...iterable];
}

/**
 * A pool of worker processes (Python's `multiprocessing.Pool`): `map`/`starmap` resolve to the whole
 * list of results in order, `imap`/`imapUnordered` yield them as they come, `apply`/`applyAsync` run
 * one call. Tasks are functions exported by a module (`task()` of `@cc/core`), arguments and results
 * are copied with structured clone.
 *
 * A worker that dies mid-task (`process.exit()`, a signal, a crash) fails the task it was running with
 * `WorkerExitError` and is replaced; the pool goes on (Python replaces the worker too, but the task's
 * result never arrives). Three workers in a row that die before finishing anything, or a failing
 * `initializer`, break the pool: `BrokenProcessPool`. `close()` then `join()` ends it after the
 * outstanding work; `terminate()` stops the workers at once. `await using` closes and joins.
 *
 * @example
 * ```ts no-run
 * import { task } from "@cc/core";
 * import { Pool } from "@cc/processes";
 * export function square(id: number): number { return id ** 2; }
 * await using pool = new Pool({ processes: 4 });
 * const outputs = await pool.map(task<typeof square>(import.meta.url, "square"), [123, 456, 789]);
 * console.log(outputs); // [15129, 207936, 622521]
 * ```
 */
export class Pool implements AsyncDisposable {
  /** Number of worker processes. */
  readonly processes: number;
  readonly #executor: PoolEngine;
  #state: "RUN" | "CLOSE" | "TERMINATE" = "RUN";
  #terminating: Promise<void> | undefined;
  /** `map`/`starmap` calls still submitting their items: `close()` lets them finish that. */
  readonly #feeding = new Set<Promise<void>>();

  constructor(options: PoolOptions = {}) {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    assertNotBootstrapping("a Pool");
    const { processes, initializer, initArgs, maxtasksperchild, execArgv, env, resourceLimits } = options;
    this.processes = positiveInteger("processes", processes) ?? availableParallelism();
    this.#executor = new PoolExecutor("process", {
      maxWorkers: this.processes,
      initializer,
      initArgs,
      maxTasksPerWorker: positiveInteger("maxtasksperchild", maxtasksperchild),
      execArgv,
      env,
      resourceLimits,
      onWorkerExit: "replace",
      broken: BrokenProcessPool,
    }) as PoolEngine;
  }

  #checkRunning(): void {
    if (this.#state !== "RUN") throw new InvalidStateError("Pool not running");
    const broken = this.#executor.broken;
    if (broken) throw broken;
  }

  #submit<R>(task: Task, args: unknown[]): Future<R> {
    const nested = nestedCall(task, args);
    return (
      nested ? this.#executor.submit(NESTED_RUNNER, ...nested) : this.#executor.submit(task, ...args)
    ) as Future<R>;
  }

  #submitWith<R>(task: Task, args: unknown[], signal: AbortSignal): Future<R> {
    const nested = nestedCall(task, args);
    return (
      nested
        ? this.#executor.submitWith(NESTED_RUNNER, nested, { signal })
        : this.#executor.submitWith(task, args, { signal })
    ) as Future<R>;
  }

  #submitChunk<R>(task: Task, chunk: unknown[][]): Future<R[]> {
    return this.#executor._submitChunk<R>(task, chunk);
  }

  #withCallbacks<R>(future: Future<R>, options: ApplyAsyncOptions<R>): AsyncResult<R> {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    const { callback, errorCallback } = options;
    if (callback !== undefined && typeof callback !== "function") throw new TypeError("callback must be a function");
    if (errorCallback !== undefined && typeof errorCallback !== "function") {
      throw new TypeError("errorCallback must be a function");
    }
    if (callback || errorCallback) {
      future.addDoneCallback((f) => {
        if (f.cancelled()) errorCallback?.(new CancelledError());
        else {
          const error = f.exceptionNow();
          if (error === undefined) callback?.(f.resultNow());
          else errorCallback?.(error);
        }
      });
    }
    return new AsyncResult(future);
  }

  /**
   * Runs `task(...args)` in a worker process and resolves to its result (Python's blocking `apply`).
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   *
   * export function power(x: number, n: number): number {
   *   return x ** n;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using pool = new Pool({ processes: 1 });
   *   console.assert((await pool.apply(task<typeof power>(import.meta.url, "power"), [2, 10])) === 1024);
   * }
   * ```
   */
  apply<A extends unknown[], R>(task: Task<A, R>, args: A): Promise<R> {
    return this.applyAsync(task, args).get();
  }

  /**
   * Starts `task(...args)` in a worker process and returns its {@linkcode AsyncResult} (Python's
   * `apply_async`); `options.signal` stops that one call cooperatively (see {@linkcode PoolApplyOptions}).
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   *
   * export function power(x: number, n: number): number {
   *   return x ** n;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using pool = new Pool({ processes: 1 });
   *   const result = pool.applyAsync(task<typeof power>(import.meta.url, "power"), [3, 2]);
   *   console.assert((await result.get({ timeout: 10_000 })) === 9 && result.successful());
   * }
   * ```
   */
  applyAsync<A extends unknown[], R>(task: Task<A, R>, args: A, options: PoolApplyOptions<R> = {}): AsyncResult<R> {
    this.#checkRunning();
    if (!Array.isArray(args)) throw new TypeError("args must be an array");
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    const { signal } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("signal must be an AbortSignal");
    const future = signal ? this.#submitWith<R>(task, args, signal) : this.#submit<R>(task, args);
    return this.#withCallbacks(future, options);
  }

  /**
   * `task(item)` for every item, in the worker processes; resolves to the list of results in input
   * order (Python's blocking `map`). If a call fails, it rejects once every call has finished, with
   * the first error that arrived (Python).
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   *
   * export function square(x: number): number {
   *   return x * x;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using pool = new Pool({ processes: 2 });
   *   const squares = await pool.map(task<typeof square>(import.meta.url, "square"), [1, 2, 3], { chunksize: 2 });
   *   console.assert(squares.join() === "1,4,9");
   * }
   * ```
   */
  map<T, R>(task: Task<[T], R>, iterable: Iterable<T>, options: PoolMapOptions = {}): Promise<R[]> {
    return this.mapAsync(task, iterable, options).get();
  }

  /**
   * `map` without waiting: returns the {@linkcode AsyncResult} of the list (Python's `map_async`).
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   *
   * export function square(x: number): number {
   *   return x * x;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using pool = new Pool({ processes: 1 });
   *   const result = pool.mapAsync(task<typeof square>(import.meta.url, "square"), [4, 5]);
   *   console.assert((await result.get()).join() === "16,25");
   * }
   * ```
   */
  mapAsync<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T>,
    options: PoolMapOptions & ApplyAsyncOptions<R[]> = {},
  ): AsyncResult<R[]> {
    this.#checkRunning();
    const items = toArray(iterable, "map");
    return this.#withCallbacks(this.#starmap<R>(task, items, options.chunksize, false), options);
  }

  /**
   * `task(...args)` for every argument list, results in order (Python's blocking `starmap`).
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   *
   * export function power(x: number, n: number): number {
   *   return x ** n;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using pool = new Pool({ processes: 1 });
   *   const powers = await pool.starmap(task<typeof power>(import.meta.url, "power"), [[2, 3], [3, 2]]);
   *   console.assert(powers.join() === "8,9");
   * }
   * ```
   */
  starmap<A extends unknown[], R>(task: Task<A, R>, iterable: Iterable<A>, options: PoolMapOptions = {}): Promise<R[]> {
    return this.starmapAsync(task, iterable, options).get();
  }

  /**
   * `starmap` without waiting (Python's `starmap_async`).
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   *
   * export function power(x: number, n: number): number {
   *   return x ** n;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using pool = new Pool({ processes: 1 });
   *   const result = pool.starmapAsync(task<typeof power>(import.meta.url, "power"), [[10, 2]]);
   *   console.assert((await result.get())[0] === 100);
   * }
   * ```
   */
  starmapAsync<A extends unknown[], R>(
    task: Task<A, R>,
    iterable: Iterable<A>,
    options: PoolMapOptions & ApplyAsyncOptions<R[]> = {},
  ): AsyncResult<R[]> {
    this.#checkRunning();
    const argLists = toArray(iterable, "starmap");
    for (const [i, args] of argLists.entries()) {
      if (!Array.isArray(args)) throw new TypeError(`starmap() needs argument lists: item ${i} is not an array`);
    }
    return this.#withCallbacks(this.#starmap<R>(task, argLists, options.chunksize, true), options);
  }

  /** `map` (`spread` false: one argument per item) and `starmap` (`spread` true: an argument list per item). */
  #starmap<R>(task: Task, items: unknown[], chunksizeOption: number | undefined, spread: boolean): Future<R[]> {
    const chunksize = positiveInteger("chunksize", chunksizeOption) ?? 1;
    const result = new Future<R[]>();
    const n = items.length;
    const out = new Array<R>(n);
    if (n === 0) {
      result.setResult(out);
      return result;
    }
    // Calls are submitted as earlier ones finish, at most `window` in flight (refilled by halves): enough
    // for tiny tasks to travel hundreds to a message, while the rest waits here rather than as queued jobs.
    const window = Math.max(2 * this.processes, Math.ceil((MAP_ITEMS_PER_PROCESS * this.processes) / chunksize));
    let next = 0; // the next item to submit
    let inFlight = 0; // calls
    let filling = false;
    let failure: { error: unknown } | undefined;
    let fed!: () => void;
    const feeding = new Promise<void>((resolve) => {
      fed = resolve;
    });
    this.#feeding.add(feeding);
    const doneFeeding = (): void => {
      this.#feeding.delete(feeding);
      fed();
    };
    const onDone = (offset: number, f: Future<R> | Future<R[]>): void => {
      if (f.cancelled()) failure ??= { error: new CancelledError() };
      else {
        const error = f.exceptionNow();
        if (error !== undefined) failure ??= { error };
        else if (chunksize === 1) out[offset] = f.resultNow() as R;
        else {
          const values = f.resultNow() as R[];
          for (let i = 0; i < values.length; i++) out[offset + i] = values[i]!;
        }
      }
      inFlight--;
      step();
    };
    const fill = (): void => {
      filling = true;
      try {
        while (next < n && inFlight < window) {
          const offset = next;
          next = Math.min(n, next + chunksize);
          inFlight++;
          let future: Future<R> | Future<R[]>;
          try {
            if (chunksize > 1) {
              const chunk = items.slice(offset, next);
              future = this.#submitChunk<R>(task, spread ? (chunk as unknown[][]) : chunk.map((item) => [item]));
            } else {
              future = spread
                ? this.#submit<R>(task, items[offset] as unknown[])
                : (this.#executor.submit(task, items[offset]) as Future<R>);
            }
          } catch (error) {
            // closed by terminate(), or broken, since the map began: the items left fail it
            inFlight--;
            failure ??= { error: this.#state === "TERMINATE" ? new CancelledError() : error };
            next = n;
            break;
          }
          future.addDoneCallback((f) => onDone(offset, f));
        }
      } finally {
        filling = false;
      }
      if (next >= n) doneFeeding();
    };
    const step = (): void => {
      if (filling) return;
      if (next < n && inFlight <= window >> 1) fill();
      if (inFlight === 0 && next >= n && !result.done()) {
        if (failure) result.setException(failure.error);
        else result.setResult(out);
      }
    };
    fill();
    step();
    return result;
  }

  /**
   * `task(item)` for every item of a (sync or async, possibly endless) iterable, yielding the results
   * in input order as they come (Python's `imap`). The input is read lazily, a bounded number of
   * chunks ahead; leaving the loop cancels what has not started. A failed task ends the loop with its
   * error (Python's iterator could go on past it; a JavaScript generator cannot once it has thrown),
   * after the results before it, those of its own chunk too. An error of the input comes after the
   * results of the items read before it (a chunk being read when it failed is dropped, as in Python).
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   *
   * export function square(x: number): number {
   *   return x * x;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using pool = new Pool({ processes: 2 });
   *   const squares: number[] = [];
   *   for await (const y of pool.imap(task<typeof square>(import.meta.url, "square"), [1, 2, 3])) squares.push(y);
   *   console.assert(squares.join() === "1,4,9"); // input order
   * }
   * ```
   */
  imap<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options: PoolImapOptions = {},
  ): AsyncIterableIterator<R> {
    this.#checkRunning();
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    return this.#executor.map(task, iterable, { chunksize: options.chunksize });
  }

  /**
   * Like {@linkcode imap}, but yields each result as soon as it is ready, in completion order
   * (Python's `imap_unordered`). A failed task ends the loop with its error and cancels the calls not
   * yet started; Python's iterator raises the error and goes on with the rest, which a JavaScript
   * generator cannot do once it has thrown.
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   *
   * export function square(x: number): number {
   *   return x * x;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using pool = new Pool({ processes: 2 });
   *   const squares: number[] = [];
   *   for await (const y of pool.imapUnordered(task<typeof square>(import.meta.url, "square"), [1, 2, 3])) {
   *     squares.push(y); // completion order
   *   }
   *   console.assert(squares.sort((a, b) => a - b).join() === "1,4,9");
   * }
   * ```
   */
  imapUnordered<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options: PoolImapOptions = {},
  ): AsyncIterableIterator<R> {
    this.#checkRunning();
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    return this.#executor._map(task, iterable, { chunksize: options.chunksize }, false);
  }

  /**
   * `task(...args)` for every argument list of a (sync or async, possibly endless) iterable, yielding
   * the results in input order as they come: `starmap`'s lazy sibling, which Python's `Pool` lacks (its
   * users reach for `imap` over a wrapper function, which a task, a module's export, cannot be made on
   * the fly). Reads its input as `imap` does; an item that is not an array ends the loop with a
   * `TypeError`, after the results before it.
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   *
   * export function power(base: number, exponent: number): number {
   *   return base ** exponent;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using pool = new Pool({ processes: 2 });
   *   const powers: number[] = [];
   *   for await (const y of pool.istarmap(task<typeof power>(import.meta.url, "power"), [[2, 3], [3, 2]])) {
   *     powers.push(y);
   *   }
   *   console.assert(powers.join() === "8,9");
   * }
   * ```
   */
  istarmap<A extends unknown[], R>(
    task: Task<A, R>,
    iterable: Iterable<A> | AsyncIterable<A>,
    options: PoolImapOptions = {},
  ): AsyncIterableIterator<R> {
    this.#checkRunning();
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    return this.#executor._map(task, iterable, { chunksize: options.chunksize }, true, true, "istarmap");
  }

  /**
   * Prevents new tasks; the workers exit once the outstanding work is done (Python's `close`).
   *
   * @example
   * ```ts
   * import { InvalidStateError, task } from "@cc/core";
   * import { Pool } from "@cc/processes";
   * const pool = new Pool({ processes: 1 });
   * pool.close();
   * try {
   *   pool.apply(task(import.meta.url, "anything"), []);
   * } catch (e) {
   *   console.assert(e instanceof InvalidStateError); // Pool not running
   * }
   * await pool.join();
   * ```
   */
  close(): void {
    if (this.#state !== "RUN") return;
    this.#state = "CLOSE";
    // a map still submitting its items finishes that first (Python's map_async queued them all at once)
    if (this.#feeding.size === 0) void this.#executor.shutdown({ wait: false });
    else void Promise.all(this.#feeding).then(() => this.#executor.shutdown({ wait: false }));
  }

  /**
   * Stops the workers at once (SIGTERM, then SIGKILL after a second; Python's `terminate`): queued calls
   * are cancelled, running ones fail with `WorkerExitError`. Resolves once every worker has exited.
   *
   * @example
   * ```ts
   * import { Pool } from "@cc/processes";
   * const pool = new Pool({ processes: 2 });
   * await pool.terminate(); // every worker process has exited
   * await pool.join();
   * ```
   */
  terminate(): Promise<void> {
    this.#state = "TERMINATE";
    this.#terminating ??= this.#executor.terminate();
    return this.#terminating;
  }

  /**
   * Resolves once every worker has exited; call `close()` or `terminate()` first (Python's `join`).
   * Rejects with `InvalidStateError` while the pool is still running.
   *
   * @example
   * ```ts
   * import { Pool } from "@cc/processes";
   * const pool = new Pool({ processes: 1 });
   * pool.close();
   * await pool.join(); // the workers have exited
   * ```
   */
  join(): Promise<void> {
    if (this.#state === "RUN") return Promise.reject(new InvalidStateError("Pool is still running: close() it first"));
    if (this.#terminating) return this.#terminating;
    if (this.#feeding.size === 0) return this.#executor.shutdown({ wait: true });
    return Promise.all(this.#feeding).then(() => this.#executor.shutdown({ wait: true }));
  }

  /**
   * Counts of queued, running, finished and failed calls, per worker process.
   *
   * @example
   * ```ts
   * import { Pool } from "@cc/processes";
   * const pool = new Pool({ processes: 2 });
   * const { workers, queued } = pool.stats();
   * console.assert(workers === 0 && queued === 0); // worker processes start on demand
   * await pool.terminate();
   * ```
   */
  stats(): PoolStats {
    return this.#executor.stats();
  }

  /**
   * `close()` then `join()`: `await using pool = new Pool()` waits for the outstanding work
   * (Python's `with Pool()` calls `terminate()` instead).
   *
   * @example
   * ```ts
   * import { Pool } from "@cc/processes";
   * {
   *   await using pool = new Pool({ processes: 1 });
   *   console.assert(pool.processes === 1);
   * } // closed and joined here
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.join();
  }
}
