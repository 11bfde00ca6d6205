/**
 * The worker-pool engine, written once for both transports: a FIFO task queue with an optional bound,
 * workers started on demand up to `maxWorkers`, automatic batching (calls dispatched in one tick leave
 * in one message per worker, with a per-worker window that adapts to task length), three levels of
 * cancellation, per-task timeouts counted from dispatch, worker replacement or a broken pool when a
 * worker dies, initializers, idle retirement, `maxTasksPerWorker`, streaming and statistics.
 * `ThreadPoolExecutor` and `@cc/processes`' `ProcessPoolExecutor` and `Pool` are this class with a
 * transport chosen.
 *
 * @module
 */
import {
  assertNotBootstrapping,
  BrokenExecutorError,
  type CallSink,
  CancelledError,
  type ExitInfo,
  InvalidStateError,
  QueueFullError,
  spawnWorker,
  type Task,
  WorkerConnection,
  type WorkerKind,
} from "@cc/core";
import type { Future } from "@cc/futures";
import { Cancellation } from "./_cancellation.ts";
import { checkMs } from "./_checks.ts";
import { Deque } from "./_deque.ts";
import { ChunkJob, JOB_DISPATCHED, JOB_RELEASED, Job, newExtra } from "./_job.ts";
import { isMapOptions, runMap, zipInputs } from "./_map.ts";
import {
  checkPoolArgs,
  checkSubmitOptions,
  type PoolConstructorOptions,
  type PoolExecutorOptions,
  type PoolSettings,
  poolSettings,
  type SubmitOptions,
  type WorkerExitPolicy,
} from "./_options.ts";
import {
  callLimit,
  flushEarly,
  lingerAfter,
  pickWorker,
  rampAfterFinish,
  taskFinished,
  workersToStart,
} from "./_policy.ts";
import { PoolWorker } from "./_pool_worker.ts";
import { type PoolStats, poolStats } from "./_stats.ts";
import { type StreamOptions, streamOn, streamSlot } from "./_stream.ts";
import { TaskInfos } from "./_task_infos.ts";
import type { Executor, MapInputs, MapOptions, ShutdownOptions } from "./executor.ts";

export {
  DEFAULT_CANCEL_GRACE_MS,
  DEFAULT_LINGER_MS,
  type PoolExecutorOptions,
  type SubmitOptions,
  type WorkerExitPolicy,
} from "./_options.ts";
export type { PoolStats, WorkerStats } from "./_stats.ts";

// A settled promise to schedule the pump on: cheaper than Node's queueMicrotask (an AsyncResource each).
const RESOLVED = Promise.resolve();

// setTimeout fires at once for delays above 2^31-1 ms: cap them (a timer that long never fires in practice).
const MAX_DELAY = 2 ** 31 - 1;

/**
 * The worker-pool engine behind `ThreadPoolExecutor`, `ProcessPoolExecutor` and `Pool` (see the module
 * doc). Use one of those; this class is exported for packages that add a transport.
 *
 * @example
 * ```ts no-run
 * import { PoolExecutor } from "@cc/executors";
 * import { task } from "@cc/core";
 * await using pool = new PoolExecutor("thread", { maxWorkers: 2 });
 * const square = task<(x: number) => number>(new URL("./tasks.js", import.meta.url), "square");
 * console.log(await pool.submit(square, 12)); // 144
 * ```
 */
export class PoolExecutor implements Executor {
  /** Where tasks run: `"thread"` or `"process"`. */
  readonly kind: WorkerKind;
  /** Most workers running at once. */
  readonly maxWorkers: number;
  readonly #options: PoolExecutorOptions;
  readonly #settings: PoolSettings;
  readonly #minWorkers: number;
  readonly #idleTimeout: number | undefined;
  readonly #maxQueue: number;
  readonly #spinMs: number;
  readonly #maxTasksPerWorker: number;
  readonly #exitPolicy: WorkerExitPolicy;
  readonly #Broken: PoolSettings["Broken"];
  readonly #queue = new Deque<Job>();
  readonly #infos = new TaskInfos(this);
  readonly #cancellation: Cancellation;
  readonly #workers: PoolWorker[] = [];
  #queued = 0;
  #running = 0;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  #retiredBusy = 0;
  #retiredLife = 0;
  #pumpQueued = false;
  #shutdown = false;
  #broken: BrokenExecutorError | undefined;
  #deathsWithoutProgress = 0;
  #drainWaiters: (() => void)[] = [];
  #capacityWaiters: (() => void)[] = [];
  #closing: Promise<void> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(kind: WorkerKind, options: PoolConstructorOptions = {}) {
    checkPoolArgs(kind, options);
    assertNotBootstrapping(`a ${new.target.name}`);
    const settings = poolSettings(kind, options);
    this.kind = kind;
    this.#options = options;
    this.#settings = settings;
    this.maxWorkers = settings.maxWorkers;
    this.#minWorkers = settings.minWorkers;
    this.#idleTimeout = settings.idleTimeout;
    this.#maxQueue = settings.maxQueue;
    this.#spinMs = settings.spinMs;
    this.#maxTasksPerWorker = settings.maxTasksPerWorker;
    this.#exitPolicy = settings.exitPolicy;
    this.#Broken = settings.Broken;
    this.#cancellation = new Cancellation(settings.cancelGraceMs, (worker, pump) => this.#stopWorker(worker, pump));
  }

  /**
   * Schedules `task(...args)` and returns a future of its result (Python's `submit`).
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { ThreadPoolExecutor } from "@cc/executors";
   *
   * export function square(x: number): number {
   *   return x * x;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
   *   const future = executor.submit(task<typeof square>(import.meta.url, "square"), 12);
   *   console.assert((await future) === 144);
   * }
   * ```
   */
  submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): Future<R> {
    const info = this.#infos.of(task);
    return this.#enqueue(args.length === 1 ? new Job<R>(info, args[0], true) : new Job<R>(info, args));
  }

  /**
   * `submit` with per-call options: cancellation, timeout, transfer, progress.
   *
   * @example
   * ```ts
   * import { setTimeout as sleep } from "node:timers/promises";
   * import { currentTask, isMainModule, task, TimeoutError } from "@cc/core";
   * import { ThreadPoolExecutor } from "@cc/executors";
   *
   * export async function nap(ms: number): Promise<number> {
   *   await sleep(ms, undefined, { signal: currentTask().signal }); // stops when the call is cancelled
   *   return ms;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
   *   const napTask = task<typeof nap>(import.meta.url, "nap");
   *   const late = await executor.submitWith(napTask, [10_000], { timeout: 50 }).catch((e: unknown) => e);
   *   console.assert(late instanceof TimeoutError);
   *   const controller = new AbortController();
   *   console.assert((await executor.submitWith(napTask, [1], { signal: controller.signal })) === 1);
   * }
   * ```
   */
  submitWith<A extends unknown[], R>(task: Task<A, R>, args: A, options: SubmitOptions = {}): Future<R> {
    if (!Array.isArray(args)) throw new TypeError("args must be an array");
    const job = new Job<R>(this.#infos.of(task), args);
    this.#applyOptions(job, options);
    this.#enqueue(job);
    const signal = options.signal;
    if (signal && !job.done()) this.#cancellation.watch(job, signal);
    return job;
  }

  #applyOptions(job: Job, options: SubmitOptions): void {
    checkSubmitOptions(options);
    const extra = newExtra();
    extra.options = options;
    if (options.transfer) extra.callOptions = { transfer: options.transfer };
    job.extra = extra;
  }

  #enqueue<T>(job: Job<T>): Job<T> {
    if (this.#shutdown) throw new InvalidStateError("cannot schedule new futures after shutdown");
    if (this.#broken) throw this.#broken;
    if (this.#full()) {
      throw new QueueFullError(`the queue is full (maxQueue ${this.#maxQueue}): wait with waitForCapacity()`);
    }
    if (job.extra?.options?.signal?.aborted) {
      job.phase = JOB_RELEASED;
      job.cancel();
      this.#cancelled++;
      return job;
    }
    this.#queue.push(job);
    this.#queued++;
    this.#schedulePump();
    return job;
  }

  /**
   * Resolves once the queue has room for another task (for a bounded `maxQueue`).
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "@cc/executors";
   * const executor = new ThreadPoolExecutor({ maxQueue: 100 });
   * await executor.waitForCapacity(); // at once: nothing is queued
   * // a producer that awaits it before each submit never queues more than 100 tasks
   * await executor.shutdown();
   * ```
   */
  waitForCapacity(): Promise<void> {
    if (!this.#full() || this.#shutdown || this.#broken) return Promise.resolve();
    return new Promise((resolve) => this.#capacityWaiters.push(resolve));
  }

  /**
   * Whether the queue holds `maxQueue` tasks that must wait: the queued tasks about to start on a free
   * worker (idle, or not started yet) do not count, so that `maxWorkers + maxQueue` synchronous submits
   * fit in an idle pool, as with a tick between them.
   */
  #full(): boolean {
    if (this.#queued < this.#maxQueue) return false;
    let busy = 0;
    for (const w of this.#workers) if (w.inFlight > 0 || w.retiring) busy++;
    return this.#queued - Math.max(0, this.maxWorkers - busy) >= this.#maxQueue;
  }

  readonly #pumpLater = (): void => this.#pump();

  /** Runs the pump at the end of this tick (once, however many tasks ask for it). */
  #schedulePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    RESOLVED.then(this.#pumpLater);
  }

  #pump(): void {
    this.#pumpQueued = false;
    if (this.#queue.length === 0 || this.#broken) return;
    let toStart = workersToStart(this.#workers, this.maxWorkers, this.#queued);
    while (toStart-- > 0) this.#startWorker();
    // Hand each task to the least loaded worker that has room in its window.
    while (this.#queue.length > 0) {
      const job = this.#queue.peek()!;
      if (job.done()) {
        this.#queue.shift(); // cancelled while queued
        continue;
      }
      const options = job.extra?.options;
      const exclusive = options?.abort === "terminate";
      const best = pickWorker(this.#workers, callLimit(job.info.ramp, options?.timeout !== undefined), exclusive);
      if (best === undefined) break;
      this.#queue.shift();
      this.#dispatch(job, best);
      if (exclusive) best.exclusive = true;
    }
    // the pump already runs at the end of the tick: send each worker's batch now, without another hop
    // a lone task with nothing else running or queued: the caller is likely waiting for it
    const linger = lingerAfter(this.#running, this.#queue.length);
    for (const w of this.#workers) {
      w.unsent = 0;
      w.connection.flush(linger);
    }
    if (this.#spinMs > 0) this.#spinForReplies();
    while (this.#queue.length > 0 && this.#queue.peek()!.done()) this.#queue.shift();
    this.#wakeCapacityWaiters();
  }

  /**
   * Low-latency mode: polls the workers for a reply for up to `spinMs`, and handles the first that
   * arrives at once instead of going back to the event loop to be woken for it.
   */
  #spinForReplies(): void {
    const until = performance.now() + this.#spinMs;
    for (;;) {
      let waiting = false;
      for (const w of this.#workers) {
        if (w.inFlight === 0) continue;
        if (w.connection.pollReplies()) return;
        waiting = true;
      }
      if (!waiting || performance.now() >= until) return;
    }
  }

  #startWorker(): PoolWorker {
    const connection = new WorkerConnection(
      spawnWorker({
        kind: this.kind,
        resourceLimits: this.#options.resourceLimits,
        execArgv: this.#options.execArgv,
        env: this.#options.env,
        spinMs: this.#spinMs,
        lingerMs: this.#settings.lingerMs,
      }),
      { manualFlush: true }, // calls are only made in #pump, which flushes them
    );
    const worker = new PoolWorker(connection);
    connection.onExit = (info) => this.#onWorkerExit(worker, info);
    connection.onIdleError = (error) => {
      process.emitWarning(`a ${this.kind} worker of the pool failed while idle and was replaced: ${String(error)}`);
    };
    this.#workers.push(worker);
    const { initializer } = this.#options;
    if (initializer) {
      const sink: CallSink = {
        task: initializer,
        resolve: () => {},
        reject: (error) => {
          if (!worker.retiring) this.#breakPool(`the initializer failed in a ${this.kind} worker`, error);
        },
      };
      connection.call(initializer, this.#options.initArgs ?? [], sink, { initializer: true });
    }
    return worker;
  }

  #dispatch(job: Job, worker: PoolWorker): void {
    if (!job.setRunningOrNotifyCancel()) return;
    this.#queued--;
    this.#running++;
    const args = job.dispatchTo(worker);
    if (worker.inFlight++ === 0) {
      worker.busySince = performance.now();
      if (worker.idleTimer) {
        clearTimeout(worker.idleTimer);
        worker.idleTimer = undefined;
      }
    }
    if (++worker.dispatched >= this.#maxTasksPerWorker) worker.retiring = true;
    const extra = job.extra;
    if (extra === undefined) {
      worker.connection.call(job.task, args, job);
      worker.unsent++;
      if (flushEarly(worker)) {
        worker.unsent = 0;
        worker.connection.flush(false);
      }
      return;
    }
    if (extra.onDispatch) {
      extra.onDispatch(worker);
      return;
    }
    extra.callId = worker.connection.call(job.task, args, job, extra.callOptions);
    this.#cancellation.dispatched(job);
  }

  /** @internal A queued job was cancelled. */
  _cancelledWhileQueued(job: Job): void {
    this.#queued--;
    this.#cancelled++;
    job.phase = JOB_RELEASED;
    this.#cleanup(job);
    this.#wakeCapacityWaiters();
    this.#checkDrained();
  }

  /** @internal The worker is done with a job: frees its slot. Returns the error to report. */
  _release(job: Job, ok: boolean, error?: unknown): unknown {
    if (job.phase !== JOB_DISPATCHED) return error;
    job.phase = JOB_RELEASED;
    this.#cleanup(job);
    const worker = job.worker;
    this.#running--;
    if (ok) {
      this.#completed++;
      worker.completed++;
      this.#deathsWithoutProgress = 0;
    } else {
      this.#failed++;
      worker.failed++;
      if (worker.stopReason !== undefined) {
        error = worker.stopReason; // stopped at shutdown's deadline
      } else if (this.#broken && !(error instanceof BrokenExecutorError)) {
        // a worker stopped by the breakdown reports the breakdown's cause, the one that died its own death
        const cause = worker.retiring && this.#broken.cause !== undefined ? this.#broken.cause : error;
        error = new this.#Broken(this.#broken.message, { cause });
      }
    }
    const now = taskFinished(worker);
    const info = job.info;
    info.ramp = rampAfterFinish(info.ramp);
    if (worker.exclusive) worker.exclusive = false;
    if (--worker.inFlight === 0) {
      worker.busyTotal += (now >= 0 ? now : performance.now()) - worker.busySince;
      this.#onWorkerIdle(worker);
    }
    if (this.#queue.length > 0) this.#schedulePump();
    this.#checkDrained();
    return error;
  }

  #cleanup(job: Job): void {
    if (job.extra !== undefined) this.#cancellation.cleanup(job);
  }

  /** Stops a worker in order (its tasks fail, the pool replaces it and is not broken). */
  #stopWorker(worker: PoolWorker, pump: boolean): void {
    worker.retiring = true;
    this.#removeWorker(worker);
    void worker.connection.terminate();
    if (pump && this.#queue.length > 0) this.#schedulePump();
  }

  #onWorkerIdle(worker: PoolWorker): void {
    if (worker.retiring) {
      this.#retire(worker);
      return;
    }
    if (this.#shutdown && this.#queue.length === 0) return;
    if (this.#idleTimeout !== undefined && this.#workers.length > this.#minWorkers) {
      worker.idleTimer = setTimeout(
        () => {
          worker.idleTimer = undefined;
          if (worker.inFlight === 0 && this.#workers.length > this.#minWorkers) this.#retire(worker);
        },
        Math.min(this.#idleTimeout, MAX_DELAY),
      );
      worker.idleTimer.unref();
    }
  }

  #retire(worker: PoolWorker): void {
    worker.retiring = true;
    this.#removeWorker(worker);
    void worker.connection.close();
    if (this.#queue.length > 0) this.#schedulePump();
  }

  #removeWorker(worker: PoolWorker): void {
    const i = this.#workers.indexOf(worker);
    if (i < 0) return;
    this.#workers.splice(i, 1);
    const now = performance.now();
    this.#retiredBusy += worker.busyAt(now);
    this.#retiredLife += now - worker.startedAt;
  }

  #onWorkerExit(worker: PoolWorker, info: ExitInfo): void {
    // after shutdown(), a worker that ends with tasks in flight crashed: that is no ordered exit
    const expected = worker.retiring || (this.#closing !== undefined && worker.inFlight === 0);
    this.#removeWorker(worker);
    if (worker.idleTimer) clearTimeout(worker.idleTimer);
    if (expected) return;
    if (worker.completed === 0) this.#deathsWithoutProgress++;
    const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
    // the cause of a breakdown is what the dead worker's own tasks fail with (WorkerExitError: code, signal)
    const cause = worker.connection.exitError;
    if (this.#exitPolicy === "break") {
      this.#breakPool(
        `a ${this.kind === "process" ? "child process" : "worker thread"} terminated abruptly (it ${how}); the pool is not usable anymore`,
        cause,
      );
    } else if (this.#deathsWithoutProgress >= 3) {
      this.#breakPool(
        `${this.#deathsWithoutProgress} workers in a row died before finishing a task (the last ${how})`,
        cause,
      );
    } else if (this.#queue.length > 0) {
      this.#schedulePump();
    }
  }

  #breakPool(message: string, cause: unknown): void {
    if (this.#broken) return;
    this.#broken = new this.#Broken(message, { cause });
    for (const job of this.#queue.drain()) {
      if (job.done()) continue;
      this.#queued--;
      this.#failed++;
      job.phase = JOB_RELEASED;
      this.#cleanup(job);
      job.setException(this.#broken);
    }
    for (const worker of [...this.#workers]) {
      worker.retiring = true;
      void worker.connection.terminate();
    }
    this.#wakeCapacityWaiters(true);
    this.#checkDrained();
  }

  #wakeCapacityWaiters(all = false): void {
    while (this.#capacityWaiters.length > 0 && (all || !this.#full())) this.#capacityWaiters.shift()!();
  }

  #checkDrained(): void {
    if (this.#queued === 0 && this.#running === 0 && this.#drainWaiters.length > 0) {
      for (const resolve of this.#drainWaiters.splice(0)) resolve();
    }
  }

  #drained(): Promise<void> {
    if (this.#queued === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * `task(item)` for each item of a (sync or async, possibly infinite) iterable, yielding results in
   * input order; at most `buffersize` chunks are in flight, so memory stays bounded. The first calls
   * are submitted by the call itself, before any iteration (Python). Over several iterables,
   * `task(a, b, …)` takes one item of each and the map ends with the shortest (Python's
   * `map(fn, *iterables)`); the options (an object that is not iterable) come last. Leaving the loop
   * early, a timeout or an abort cancels the items not yet started; an error of the input is raised
   * after the results of the items read before it.
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { ThreadPoolExecutor } from "@cc/executors";
   *
   * export function square(x: number): number {
   *   return x * x;
   * }
   * export function power(base: number, exponent: number): number {
   *   return base ** exponent;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
   *   const squares: number[] = [];
   *   for await (const y of executor.map(task<typeof square>(import.meta.url, "square"), [1, 2, 3])) squares.push(y);
   *   console.assert(squares.join() === "1,4,9");
   *   const powers: number[] = [];
   *   const powerTask = task<typeof power>(import.meta.url, "power");
   *   for await (const y of executor.map(powerTask, [2, 3, 10], [3, 2], { chunksize: 2 })) powers.push(y);
   *   console.assert(powers.join() === "8,9");
   * }
   * ```
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
  map(task: Task, ...inputs: unknown[]): AsyncIterableIterator<unknown> {
    let options: MapOptions = {};
    const last = inputs[inputs.length - 1];
    if (inputs.length > 0 && isMapOptions(last) && (inputs.length > 1 || last !== undefined)) {
      options = inputs.pop() ?? {};
    }
    // no iterable at all: nothing to call (Python's `map(fn)` yields nothing)
    if (inputs.length === 0) return this._map(task, [], options, true);
    if (inputs.length === 1) return this._map(task, inputs[0] as Iterable<unknown>, options, true);
    this.#infos.of(task);
    if (this.#shutdown) throw new InvalidStateError("cannot schedule new futures after shutdown");
    return this._map(task, zipInputs(inputs, "map"), options, true, true);
  }

  /**
   * @internal {@linkcode PoolExecutor.map}, or with `ordered` false each result as soon as it is
   * ready (for `@cc/processes`' `Pool.imapUnordered`); with `spread`, each item is an argument list
   * (several iterables zipped, `Pool.istarmap`).
   */
  _map<T, R>(
    task: Task,
    iterable: Iterable<T> | AsyncIterable<T>,
    options: MapOptions,
    ordered: boolean,
    spread = false,
    name?: string,
  ): AsyncIterableIterator<R> {
    this.#infos.of(task);
    if (this.#shutdown) throw new InvalidStateError("cannot schedule new futures after shutdown");
    return runMap(this, task, iterable, options, this.maxWorkers, ordered, undefined, this.#maxQueue, spread, name);
  }

  /** @internal Submits a chunk of argument lists for `map`. */
  _submitChunk<R>(task: Task, chunk: unknown[][]): Future<R[]> {
    const job = new ChunkJob<R[]>(this.#infos.of(task), chunk as unknown[]);
    job.extra = newExtra();
    job.extra.callOptions = { chunk: true };
    return this.#enqueue(job);
  }

  /**
   * Runs a task that returns an async iterator (an `async function*`) and yields its items here, with
   * backpressure (at most `highWaterMark` items ahead). Leaving the loop cancels the generator in the worker.
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { ThreadPoolExecutor } from "@cc/executors";
   *
   * export async function* countdown(n: number): AsyncGenerator<number> {
   *   for (let i = n; i > 0; i--) yield i;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
   *   const seen: number[] = [];
   *   for await (const i of executor.stream(task<typeof countdown>(import.meta.url, "countdown"), [3])) seen.push(i);
   *   console.assert(seen.join() === "3,2,1");
   * }
   * ```
   */
  async *stream<A extends unknown[], T>(
    task: Task<A, AsyncIterable<T> | AsyncIterator<T>>,
    args: A,
    options: StreamOptions = {},
  ): AsyncGenerator<T, void, undefined> {
    const { job, worker } = streamSlot(this.#infos.of(task), args, options.signal);
    this.#enqueue(job);
    yield* streamOn<T>(job, await worker, task, args, options);
  }

  /**
   * Stops accepting tasks; with `cancelFutures`, cancels the queued ones; with `wait` (default), resolves
   * once every task has finished and every worker has exited. Idempotent.
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "@cc/executors";
   * const executor = new ThreadPoolExecutor();
   * await executor.shutdown({ cancelFutures: true }); // queued tasks cancelled, running ones awaited
   * console.assert(executor.isShutdown);
   * ```
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false, timeout } = options;
    if (timeout !== undefined) checkMs("timeout", timeout);
    this.#shutdown = true;
    if (cancelFutures) {
      for (const job of this.#queue.drain()) job.cancel();
    }
    this.#wakeCapacityWaiters(true);
    this.#closing ??= this.#drained().then(() =>
      Promise.all(this.#workers.map((w) => w.connection.close())).then(() => undefined),
    );
    if (timeout !== undefined && this.#deadline === undefined) {
      const closing = this.#closing;
      let closed = false;
      void closing.then(() => {
        closed = true;
        clearTimeout(this.#deadline);
      });
      this.#deadline = setTimeout(
        () => {
          if (!closed) this.#stopAtDeadline(timeout);
        },
        Math.min(timeout, MAX_DELAY),
      );
      this.#deadline.unref(); // running tasks keep Node alive until then; an idle pool does not
    }
    if (wait) await this.#closing;
  }

  /** Shutdown's deadline has passed: cancels the queued tasks and terminates the workers still busy. */
  #stopAtDeadline(timeout: number): void {
    for (const job of this.#queue.drain()) job.cancel();
    this.#wakeCapacityWaiters(true);
    for (const worker of [...this.#workers]) {
      if (worker.inFlight === 0) continue;
      worker.stopReason = new CancelledError(
        `the task was still running at the shutdown deadline (${timeout} ms): its ${this.kind === "process" ? "child process" : "worker thread"} was terminated`,
      );
      worker.retiring = true; // an ordered stop, not a crash
      this.#removeWorker(worker);
      void worker.connection.terminate();
    }
  }

  /**
   * Stops at once (Python's `Pool.terminate`): cancels the queued tasks, terminates every worker (a
   * child process gets SIGTERM, then SIGKILL if it has not exited after a second), fails the running
   * tasks with `WorkerExitError`, and resolves once every worker has exited.
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "@cc/executors";
   * const executor = new ThreadPoolExecutor();
   * await executor.terminate(); // every worker has exited
   * console.assert(executor.isShutdown);
   * ```
   */
  async terminate(): Promise<void> {
    void this.shutdown({ wait: false, cancelFutures: true });
    const workers = [...this.#workers];
    for (const w of workers) w.retiring = true; // an ordered stop, not a crash
    await Promise.all(workers.map((w) => w.connection.terminate()));
    await this.shutdown({ wait: true });
  }

  /**
   * Shuts down and waits (`await using pool = new ThreadPoolExecutor()`).
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "@cc/executors";
   * let outside: ThreadPoolExecutor;
   * {
   *   await using executor = new ThreadPoolExecutor();
   *   outside = executor;
   * } // shut down here, after its tasks finished
   * console.assert(outside.isShutdown);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  /**
   * True once `shutdown` was called.
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "@cc/executors";
   * const executor = new ThreadPoolExecutor();
   * console.assert(!executor.isShutdown);
   * await executor.shutdown();
   * console.assert(executor.isShutdown);
   * ```
   */
  get isShutdown(): boolean {
    return this.#shutdown;
  }

  /**
   * The error that broke the pool, if it is broken.
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "@cc/executors";
   * const executor = new ThreadPoolExecutor();
   * console.assert(executor.broken === undefined); // a BrokenThreadPool once an initializer has failed
   * await executor.shutdown();
   * ```
   */
  get broken(): BrokenExecutorError | undefined {
    return this.#broken;
  }

  /**
   * Counts of queued, running, finished and failed tasks, per-worker counts and utilisation.
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "@cc/executors";
   * const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
   * const { workers, queued, running } = executor.stats();
   * console.assert(workers === 0 && queued === 0 && running === 0); // workers start on demand
   * await executor.shutdown();
   * ```
   */
  stats(): PoolStats {
    return poolStats(
      {
        queued: this.#queued,
        running: this.#running,
        completed: this.#completed,
        failed: this.#failed,
        cancelled: this.#cancelled,
        retiredBusy: this.#retiredBusy,
        retiredLife: this.#retiredLife,
      },
      this.#workers,
    );
  }
}
