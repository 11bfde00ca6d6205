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
import type { ResourceLimits, TransferListItem } from "node:worker_threads";
import {
  assertNotBootstrapping,
  BrokenExecutorError,
  type CallOptions,
  type CallSink,
  CancelledError,
  type ExitInfo,
  InvalidStateError,
  QueueFullError,
  spawnWorker,
  type Task,
  TimeoutError,
  WorkerConnection,
  type WorkerKind,
} from "@cc/core";
import { Future } from "@cc/futures";
import { checkCount, checkMs } from "./_checks.ts";
import { Deque } from "./_deque.ts";
import { type ChunkFailure, isMapOptions, runMap, zipInputs } from "./_map.ts";
import type { Executor, MapInputs, MapOptions, ShutdownOptions } from "./executor.ts";

/** What the pool does when a worker dies while running tasks. */
export type WorkerExitPolicy = "replace" | "break";

/** Options of {@linkcode PoolExecutor}. */
export interface PoolExecutorOptions {
  /** Most workers running at once. Default: set by the executor class (see its docs). */
  maxWorkers?: number;
  /** Workers kept alive while idle, once started. Default: 0 (with `idleTimeout`), else all. */
  minWorkers?: number;
  /** Milliseconds an idle worker above `minWorkers` lives before it is retired. Default: never retired. */
  idleTimeout?: number;
  /**
   * Most tasks waiting in the queue; `submit` beyond it throws `QueueFullError`. A task about to start
   * on a free worker does not wait: an idle pool takes `maxWorkers + maxQueue` submits in one go. Default: unbounded.
   */
  maxQueue?: number;
  /** A task run once in each worker before its first task (Python's `initializer`). If it fails, the pool is broken. */
  initializer?: Task;
  /** Arguments of `initializer` (Python's `initargs`). Default: `[]`. */
  initArgs?: unknown[];
  /** Tasks a worker runs before it is replaced by a fresh one (Python's `max_tasks_per_child`). Default: unlimited. */
  maxTasksPerWorker?: number;
  /** Heap limits of each worker (threads: Node's `resourceLimits`; processes: `maxOldGenerationSizeMb`). */
  resourceLimits?: ResourceLimits;
  /** Extra Node.js flags of each worker. */
  execArgv?: string[];
  /** Extra environment variables of each child process. */
  env?: Record<string, string>;
  /**
   * Low-latency mode (threads only): each worker keeps polling for new tasks for this many milliseconds
   * after finishing one, instead of sleeping, and the host polls for the reply for up to this long after
   * sending — sequential round trips drop from tens of microseconds to a few. The price: a busy core per
   * worker while the pool is in use, and a host thread that does not return to the event loop (timers,
   * I/O) while it polls. Default: 0 (off).
   */
  spinMs?: number;
  /**
   * Threads only: when the pool hands a worker a lone task and has nothing else running or queued, the
   * worker stays awake this many milliseconds after it before it sleeps. A loop that submits the next
   * task as soon as the last one returns then reaches a thread that is awake, which saves the wake-up
   * of a sleeping one. The worker's event loop still delivers each task, so microtasks and timers run
   * between tasks as usual. At most one worker fewer than the machine has cores lingers at a time,
   * across the process. Its price: up to that long of a core per task. `0` turns it off.
   * Default: {@linkcode DEFAULT_LINGER_MS} (50 µs).
   */
  lingerMs?: number;
  /**
   * Milliseconds a running task may go on after its `signal` or `timeout` aborted it (its future has
   * already failed) before the pool terminates its worker and replaces it: a task that ignores its
   * signal (a CPU loop) cannot hold a worker, nor `shutdown()`, for ever. Other tasks the pool had sent
   * to that worker fail with `WorkerExitError`. `Infinity` never terminates.
   * Default: {@linkcode DEFAULT_CANCEL_GRACE_MS} (1000 ms).
   */
  cancelGraceMs?: number;
}

/**
 * Default of {@linkcode PoolExecutorOptions.lingerMs}: long enough to cover the host's turn from a reply to
 * the next submit on a loaded 2-core machine, short enough to cost little when no task follows.
 *
 * @example
 * ```ts
 * import { DEFAULT_LINGER_MS } from "@cc/executors";
 * console.assert(DEFAULT_LINGER_MS === 0.05);
 * ```
 */
export const DEFAULT_LINGER_MS = 0.05;

/**
 * Default of {@linkcode PoolExecutorOptions.cancelGraceMs}: a task that still runs this long after its
 * signal or timeout aborted it has its worker terminated and replaced.
 *
 * @example
 * ```ts
 * import { DEFAULT_CANCEL_GRACE_MS } from "@cc/executors";
 * console.assert(DEFAULT_CANCEL_GRACE_MS === 1000);
 * ```
 */
export const DEFAULT_CANCEL_GRACE_MS = 1000;

/** Per-call options of {@linkcode PoolExecutor.submitWith}. */
export interface SubmitOptions {
  /**
   * Cancels the task: while queued it is removed and its future cancelled; while running, the task's own
   * `signal` aborts (cooperative) and the future rejects with the reason at once (or, with
   * `abort: "terminate"`, the worker is terminated and replaced).
   */
  signal?: AbortSignal;
  /**
   * Milliseconds from dispatch to a worker (not from submit) after which the future rejects with
   * `TimeoutError` and the task's `signal` aborts. Default: no limit.
   */
  timeout?: number;
  /** How a running task is stopped by `signal` or `timeout`: `"signal"` (default, cooperative) or `"terminate"` (hard stop). */
  abort?: "signal" | "terminate";
  /** Objects to move to the worker instead of copying (threads). */
  transfer?: readonly TransferListItem[];
  /** Receives the task's progress reports (`currentTask().progress(value)`). */
  onProgress?: (value: unknown) => void;
}

/** Statistics of one worker. */
export interface WorkerStats {
  /** Thread id or process id. */
  readonly id: number;
  /** Tasks in flight on this worker. */
  readonly inFlight: number;
  /** Tasks that finished with a result. */
  readonly completed: number;
  /** Tasks that failed. */
  readonly failed: number;
}

/** Statistics of a pool. */
export interface PoolStats {
  /** Live workers. */
  readonly workers: number;
  /** Tasks waiting for a worker. */
  readonly queued: number;
  /** Tasks dispatched and not finished. */
  readonly running: number;
  /** Tasks finished with a result. */
  readonly completed: number;
  /** Tasks that failed. */
  readonly failed: number;
  /** Tasks cancelled before they started. */
  readonly cancelled: number;
  /** Share of worker time spent with tasks in flight since the pool started (0–1). */
  readonly utilization: number;
  /** One entry per live worker. */
  readonly perWorker: readonly WorkerStats[];
}

const JOB_QUEUED = 0;
const JOB_DISPATCHED = 1;
const JOB_RELEASED = 2;

// Tasks handed to a worker ahead of time, to hide the round trip and to send many tasks per message.
// A new worker takes one task at a time and doubles its window with each task that comes back until it
// knows how long its tasks take. From then on its window holds about AHEAD_MS of work (at least
// MIN_WINDOW, at most MAX_WINDOW tasks): tiny tasks travel hundreds to a message, while long tasks stay
// in the pool's queue, where `cancel()` still reaches them and any free worker can take them.
// Each task (function) also ramps up on its own, from one in flight per worker, doubling with each
// completion: a slow task submitted after many tiny ones is not handed out by the tiny ones' window.
// A task with a timeout waits in the pool's queue until a worker has fewer than MIN_WINDOW in flight,
// so its time counts from (nearly) when it can start.
const START_WINDOW = 1;
const MIN_WINDOW = 2;
const MAX_WINDOW = 1024;
const AHEAD_MS = 2;
// The service time is measured over epochs of at least EPOCH_MS of busy time (replies arrive in
// batches, so counting tasks alone would measure the gaps inside one batch).
const EPOCH_MS = 1;

class PoolWorker {
  readonly connection: WorkerConnection;
  inFlight = 0;
  dispatched = 0;
  completed = 0;
  failed = 0;
  window = START_WINDOW;
  /** Busy milliseconds per finished task, measured over the last epoch (0: not measured yet). */
  serviceMs = 0;
  epochBusy = 0;
  epochDone = 0;
  busySince = 0;
  busyTotal = 0;
  /** Calls handed to the connection since its last message. */
  unsent = 0;
  readonly startedAt = performance.now();
  exclusive = false;
  retiring = false;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the pool stopped this worker hard at shutdown's deadline: what its tasks fail with. */
  stopReason: unknown = undefined;
  /** Tasks aborted by their signal or timeout that have not answered yet: no new task goes to this worker. */
  aborted = 0;
  constructor(connection: WorkerConnection) {
    this.connection = connection;
  }
  /**
   * A task has finished (before `inFlight` counts it off): updates the service time and the window.
   * Returns the time it read from the clock, or -1 if it did not read it.
   */
  finished(): number {
    let now = -1;
    // the clock is read with few tasks in flight, and on every 16th completion of a full window
    if (++this.epochDone % 16 === 0 || this.inFlight <= 4) {
      now = performance.now();
      const busy = this.busyTotal + (now - this.busySince);
      if (busy - this.epochBusy >= EPOCH_MS) {
        this.serviceMs = (busy - this.epochBusy) / this.epochDone;
        this.epochBusy = busy;
        this.epochDone = 0;
      }
    }
    if (this.serviceMs === 0) {
      if (this.window < MAX_WINDOW) this.window *= 2;
    } else {
      const target = Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, Math.floor(AHEAD_MS / this.serviceMs)));
      this.window = target > this.window ? Math.min(target, this.window * 2) : target;
    }
    return now;
  }
}

/** What only some jobs carry: per-call options and their state. */
interface JobExtra {
  options: SubmitOptions | undefined;
  callOptions: CallOptions | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** True while the pool listens to `options.signal` for this job. */
  watched: boolean;
  /** Set for stream slots: called with the worker instead of sending a call. */
  onDispatch: ((worker: PoolWorker) => void) | undefined;
  /** The worker call's id, to cancel it. */
  callId: number;
  /** After an abort: when it fires with the task still running, its worker is terminated. */
  graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Aborted while running, and counted in its worker's `aborted`. */
  aborted: boolean;
}

function newExtra(): JobExtra {
  return {
    options: undefined,
    callOptions: undefined,
    timer: undefined,
    watched: false,
    onDispatch: undefined,
    callId: 0,
    graceTimer: undefined,
    aborted: false,
  };
}

/** What a pool knows of one task (function) it has run. */
class TaskInfo {
  /** Most calls of this task in flight per worker while it ramps up. */
  ramp = START_WINDOW;
  constructor(
    readonly task: Task,
    readonly pool: PoolExecutor,
  ) {}
}

/**
 * A queued or running task: its future, and the sink of its worker call. Many thousands may be
 * pending at once, so it keeps few fields: its pool comes through its task's info, and what only some
 * jobs need (options, timer, the call id for cancelling) sits in `extra`.
 */
class Job<T = unknown> extends Future<T> implements CallSink {
  readonly info: TaskInfo;
  readonly args: unknown[];
  phase = JOB_QUEUED;
  worker: PoolWorker | undefined = undefined;
  /** Options and their state, for the jobs that have any. */
  extra: JobExtra | undefined = undefined;

  constructor(info: TaskInfo, args: unknown[]) {
    super();
    this.info = info;
    this.args = args;
  }

  get pool(): PoolExecutor {
    return this.info.pool;
  }

  /** The task being called (CallSink). */
  get task(): Task {
    return this.info.task;
  }

  override cancel(): boolean {
    const wasQueued = this.phase === JOB_QUEUED && !this.done();
    const cancelled = super.cancel();
    if (cancelled && wasQueued) this.pool._cancelledWhileQueued(this);
    return cancelled;
  }

  /** The worker answered with a result (CallSink). */
  resolve(value: unknown): void {
    this.pool._release(this, true);
    if (!this.done()) this.setResult(value as T);
  }

  /** The worker answered with an error, or died (CallSink). */
  reject(error: unknown): void {
    error = this.pool._release(this, false, error);
    if (!this.done()) this.setException(error);
  }

  /** A progress report (CallSink). */
  progress(value: unknown): void {
    this.extra?.options?.onProgress?.(value);
  }
}

// Like `Future`, a job presents `Promise` as its constructor, so `await` and `Promise.all` take it as is.
Object.defineProperty(Job.prototype, "constructor", { value: Promise, writable: true, configurable: true });

/**
 * The property under which a worker sends, with the error of a map chunk that failed at one of its
 * items, the results of the items before it (`@cc/core`'s runtime sets it; the pool takes it off).
 */
const CHUNK_RESULTS = "ccChunkResults";

/** A map chunk: its error keeps the results of the items before the failing one in `partial`. */
class ChunkJob<T = unknown> extends Job<T> implements ChunkFailure {
  partial: unknown[] | undefined = undefined;

  override reject(error: unknown): void {
    if (typeof error === "object" && error !== null && Object.hasOwn(error, CHUNK_RESULTS)) {
      const partial = (error as Record<string, unknown>)[CHUNK_RESULTS];
      delete (error as Record<string, unknown>)[CHUNK_RESULTS];
      if (Array.isArray(partial)) this.partial = partial;
    }
    super.reject(error);
  }
}

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
  readonly #minWorkers: number;
  readonly #idleTimeout: number | undefined;
  readonly #maxQueue: number;
  readonly #spinMs: number;
  readonly #lingerMs: number;
  readonly #maxTasksPerWorker: number;
  readonly #exitPolicy: WorkerExitPolicy;
  readonly #Broken: new (
    message: string,
    options?: ErrorOptions,
  ) => BrokenExecutorError;
  readonly #queue = new Deque<Job>();
  readonly #infos = new WeakMap<Task, TaskInfo>();
  readonly #infosByName = new Map<string, TaskInfo>();
  readonly #watched = new Map<AbortSignal, Set<Job>>();
  #lastTask: Task | undefined;
  #lastInfo: TaskInfo | undefined;
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
  readonly #cancelGraceMs: number;
  #deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(
    kind: WorkerKind,
    options: PoolExecutorOptions & {
      defaultMaxWorkers?: number;
      onWorkerExit?: WorkerExitPolicy;
      broken?: typeof BrokenExecutorError;
    } = {},
  ) {
    if (kind !== "thread" && kind !== "process")
      throw new TypeError(`kind must be "thread" or "process", got ${String(kind)}`);
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    assertNotBootstrapping(`a ${new.target.name}`);
    this.kind = kind;
    this.#options = options;
    this.maxWorkers = checkCount("maxWorkers", options.maxWorkers ?? options.defaultMaxWorkers ?? 1, 1);
    this.#minWorkers = checkCount("minWorkers", options.minWorkers ?? 0, 0);
    if (this.#minWorkers > this.maxWorkers) {
      throw new RangeError(`minWorkers (${this.#minWorkers}) must not exceed maxWorkers (${this.maxWorkers})`);
    }
    this.#idleTimeout = options.idleTimeout === undefined ? undefined : checkMs("idleTimeout", options.idleTimeout);
    const spinMs = options.spinMs === undefined ? 0 : checkMs("spinMs", options.spinMs);
    this.#spinMs = kind === "thread" ? spinMs : 0; // a child process's replies cannot be polled
    this.#lingerMs = options.lingerMs === undefined ? DEFAULT_LINGER_MS : checkMs("lingerMs", options.lingerMs);
    if (!Number.isFinite(this.#lingerMs)) throw new RangeError("lingerMs must be finite: a worker would never sleep");
    this.#cancelGraceMs =
      options.cancelGraceMs === undefined ? DEFAULT_CANCEL_GRACE_MS : checkMs("cancelGraceMs", options.cancelGraceMs);
    this.#maxQueue = checkCount("maxQueue", options.maxQueue ?? Number.POSITIVE_INFINITY, 1, true);
    this.#maxTasksPerWorker = checkCount(
      "maxTasksPerWorker",
      options.maxTasksPerWorker ?? Number.POSITIVE_INFINITY,
      1,
      true,
    );
    if (
      options.initializer !== undefined &&
      (typeof options.initializer !== "object" || typeof options.initializer.url !== "string")
    ) {
      throw new TypeError("initializer must be a task (made with task() or defineTask())");
    }
    if (options.initArgs !== undefined && !Array.isArray(options.initArgs)) {
      throw new TypeError("initArgs must be an array");
    }
    this.#exitPolicy = options.onWorkerExit ?? "replace";
    this.#Broken = options.broken ?? BrokenExecutorError;
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
    return this.#enqueue(new Job<R>(this.#infoOf(task), args));
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
    const job = new Job<R>(this.#infoOf(task), args);
    this.#applyOptions(job, options);
    this.#enqueue(job);
    const signal = options.signal;
    if (signal && !job.done()) this.#watch(job, signal);
    return job;
  }

  /**
   * Aborts `job` when `signal` does. One listener per signal, however many jobs share it (a caller
   * that passes one signal to a thousand submits adds one listener, not a thousand).
   */
  #watch(job: Job, signal: AbortSignal): void {
    let jobs = this.#watched.get(signal);
    if (jobs === undefined) {
      jobs = new Set();
      this.#watched.set(signal, jobs);
      signal.addEventListener("abort", this.#onSignalAbort, { once: true });
    }
    jobs.add(job);
    job.extra!.watched = true;
  }

  #unwatch(job: Job, signal: AbortSignal): void {
    job.extra!.watched = false;
    const jobs = this.#watched.get(signal);
    if (jobs === undefined || !jobs.delete(job) || jobs.size > 0) return;
    this.#watched.delete(signal);
    signal.removeEventListener("abort", this.#onSignalAbort);
  }

  readonly #onSignalAbort = (event: Event): void => {
    const signal = event.target as AbortSignal;
    const jobs = this.#watched.get(signal);
    this.#watched.delete(signal);
    if (jobs) for (const job of jobs) this.#abort(job, signal.reason);
  };

  /** Checks `task` and returns what the pool knows of it. */
  #infoOf(task: Task): TaskInfo {
    if (task === this.#lastTask) return this.#lastInfo!;
    let info = this.#infos.get(task);
    if (info === undefined) {
      if (typeof task !== "object" || task === null || typeof task.url !== "string" || typeof task.name !== "string") {
        throw new TypeError(
          `submit() needs a task made with task() or defineTask(), got ${task === null ? "null" : typeof task}`,
        );
      }
      // one record per function, however many task() handles name it: a handle made anew for each
      // submit shares the ramp, and the worker receives the definition once
      const key = `${task.name}\u0000${task.url}`;
      info = this.#infosByName.get(key);
      if (info === undefined) {
        info = new TaskInfo(task, this);
        this.#infosByName.set(key, info);
      }
      this.#infos.set(task, info);
    }
    this.#lastTask = task;
    this.#lastInfo = info;
    return info;
  }

  #applyOptions(job: Job, options: SubmitOptions): void {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    if (options.timeout !== undefined) checkMs("timeout", options.timeout);
    if (options.abort !== undefined && options.abort !== "signal" && options.abort !== "terminate") {
      throw new TypeError(`abort must be "signal" or "terminate", got ${String(options.abort)}`);
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new TypeError("signal must be an AbortSignal");
    }
    if (options.transfer !== undefined && !Array.isArray(options.transfer)) {
      throw new TypeError("transfer must be an array");
    }
    if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
      throw new TypeError("onProgress must be a function");
    }
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
    // Start workers as Python does: one more whenever work waits and no worker is idle.
    let idle = 0;
    for (const w of this.#workers) if (w.inFlight === 0 && !w.retiring) idle++;
    let toStart = Math.min(this.maxWorkers - this.#workers.length, this.#queued - idle);
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
      let limit = job.info.ramp;
      if (options?.timeout !== undefined && limit > MIN_WINDOW) limit = MIN_WINDOW;
      let best: PoolWorker | undefined;
      for (const w of this.#workers) {
        if (w.retiring || w.exclusive || w.inFlight >= w.window || w.inFlight >= limit || w.aborted > 0) continue;
        if (exclusive && w.inFlight > 0) continue;
        if (best === undefined || w.inFlight < best.inFlight) best = w;
      }
      if (best === undefined) break;
      this.#queue.shift();
      this.#dispatch(job, best);
      if (exclusive) best.exclusive = true;
    }
    // the pump already runs at the end of the tick: send each worker's batch now, without another hop
    // a lone task with nothing else running or queued: the caller is likely waiting for it
    const linger = this.#running === 1 && this.#queue.length === 0;
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
        lingerMs: this.#lingerMs,
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
    job.phase = JOB_DISPATCHED;
    job.worker = worker;
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
      worker.connection.call(job.task, job.args, job);
      // At most half a window per message: the worker has the next message before it runs out of work,
      // so it is busy, not asleep, when the host sends more (waking a thread costs more than sending).
      if (++worker.unsent >= worker.window >> 1 && worker.window >= 8) {
        worker.unsent = 0;
        worker.connection.flush(false);
      }
      return;
    }
    if (extra.onDispatch) {
      extra.onDispatch(worker);
      return;
    }
    extra.callId = worker.connection.call(job.task, job.args, job, extra.callOptions);
    const timeout = extra.options?.timeout;
    if (timeout !== undefined) {
      extra.timer = setTimeout(
        () => {
          const reason = new TimeoutError(`task "${job.task.name}" timed out after ${timeout} ms`);
          this.#abort(job, reason);
        },
        Math.min(timeout, MAX_DELAY),
      );
    }
  }

  /** Cancels a job from its signal or timeout. */
  #abort(job: Job, reason: unknown): void {
    if (job.phase === JOB_QUEUED) {
      job.cancel();
      return;
    }
    if (job.phase !== JOB_DISPATCHED) return;
    if (!job.done()) job.setException(reason);
    const worker = job.worker!;
    if (job.extra?.options?.abort === "terminate") {
      worker.retiring = true; // an ordered stop: the pool replaces the worker and is not broken
      this.#removeWorker(worker);
      void worker.connection.terminate();
    } else {
      worker.connection.cancel(job.extra!.callId, reason);
      const extra = job.extra!;
      if (!extra.aborted) {
        // until it answers, the worker may be stuck in it: later tasks go to other workers (or wait)
        extra.aborted = true;
        worker.aborted++;
      }
      if (Number.isFinite(this.#cancelGraceMs) && extra.graceTimer === undefined) {
        // a task that ignores its signal does not keep its worker: past the grace, the worker is replaced
        extra.graceTimer = setTimeout(
          () => {
            extra.graceTimer = undefined;
            if (job.phase !== JOB_DISPATCHED || job.worker !== worker) return;
            worker.retiring = true; // an ordered stop: the pool replaces the worker and is not broken
            this.#removeWorker(worker);
            void worker.connection.terminate();
            if (this.#queue.length > 0) this.#schedulePump();
          },
          Math.min(this.#cancelGraceMs, MAX_DELAY),
        );
        extra.graceTimer.unref(); // the worker keeps Node alive while the task runs, and no longer
      }
    }
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
    const worker = job.worker!;
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
    const now = worker.finished();
    const info = job.info;
    if (info.ramp < MAX_WINDOW) info.ramp *= 2;
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
    const extra = job.extra;
    if (extra === undefined) return;
    if (extra.timer) {
      clearTimeout(extra.timer);
      extra.timer = undefined;
    }
    if (extra.watched) this.#unwatch(job, extra.options!.signal!);
    if (extra.graceTimer) {
      clearTimeout(extra.graceTimer);
      extra.graceTimer = undefined;
    }
    if (extra.aborted) {
      extra.aborted = false;
      job.worker!.aborted--;
    }
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
    this.#retiredBusy += worker.busyTotal + (worker.inFlight > 0 ? performance.now() - worker.busySince : 0);
    this.#retiredLife += performance.now() - worker.startedAt;
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
    this.#infoOf(task);
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
    this.#infoOf(task);
    if (this.#shutdown) throw new InvalidStateError("cannot schedule new futures after shutdown");
    return runMap(this, task, iterable, options, this.maxWorkers, ordered, undefined, this.#maxQueue, spread, name);
  }

  /** @internal Submits a chunk of argument lists for `map`. */
  _submitChunk<R>(task: Task, chunk: unknown[][]): Future<R[]> {
    const job = new ChunkJob<R[]>(this.#infoOf(task), chunk as unknown[]);
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
    options: { highWaterMark?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<T, void, undefined> {
    const job = new Job<PoolWorker>(this.#infoOf(task), args);
    const extra = newExtra();
    job.extra = extra;
    const slot = new Promise<PoolWorker>((resolve) => {
      extra.onDispatch = resolve;
    });
    if (options.signal) extra.options = { signal: options.signal };
    this.#enqueue(job);
    const worker = await Promise.race([slot, job.asPromise() as Promise<never>]);
    try {
      const items = worker.connection.stream<T>(task, args, { highWaterMark: options.highWaterMark });
      options.signal?.throwIfAborted();
      for await (const item of items) {
        options.signal?.throwIfAborted();
        yield item;
      }
    } finally {
      job.resolve(undefined);
    }
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
    const now = performance.now();
    let busy = this.#retiredBusy;
    let life = this.#retiredLife;
    for (const w of this.#workers) {
      busy += w.busyTotal + (w.inFlight > 0 ? now - w.busySince : 0);
      life += now - w.startedAt;
    }
    return {
      workers: this.#workers.length,
      queued: this.#queued,
      running: this.#running,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      utilization: life > 0 ? Math.min(1, busy / life) : 0,
      perWorker: this.#workers.map((w) => ({
        id: w.connection.transport.id,
        inFlight: w.inFlight,
        completed: w.completed,
        failed: w.failed,
      })),
    };
  }
}
