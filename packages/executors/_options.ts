// The options of a pool and of one submit: their types, defaults and checks (the public types are
// re-exported by pool_executor.ts).
import type { ResourceLimits, TransferListItem } from "node:worker_threads";
import { BrokenExecutorError, type Task, type WorkerKind } from "@cc/core";
import { checkCount, checkMs } from "./_checks.ts";

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

/** The constructor's options as `PoolExecutor` takes them from an executor class. */
export type PoolConstructorOptions = PoolExecutorOptions & {
  defaultMaxWorkers?: number;
  onWorkerExit?: WorkerExitPolicy;
  broken?: typeof BrokenExecutorError;
};

/** A pool's options, checked, with their defaults. */
export interface PoolSettings {
  readonly maxWorkers: number;
  readonly minWorkers: number;
  readonly idleTimeout: number | undefined;
  readonly maxQueue: number;
  readonly spinMs: number;
  readonly lingerMs: number;
  readonly cancelGraceMs: number;
  readonly maxTasksPerWorker: number;
  readonly exitPolicy: WorkerExitPolicy;
  readonly Broken: new (message: string, options?: ErrorOptions) => BrokenExecutorError;
}

/** Checks a pool's kind and that its options are an object. */
export function checkPoolArgs(kind: WorkerKind, options: PoolConstructorOptions): void {
  if (kind !== "thread" && kind !== "process")
    throw new TypeError(`kind must be "thread" or "process", got ${String(kind)}`);
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
}

/** Checks a pool's options (after {@linkcode checkPoolArgs}); throws a `TypeError` or `RangeError` naming what is wrong. */
export function poolSettings(kind: WorkerKind, options: PoolConstructorOptions): PoolSettings {
  const maxWorkers = checkCount("maxWorkers", options.maxWorkers ?? options.defaultMaxWorkers ?? 1, 1);
  const minWorkers = checkCount("minWorkers", options.minWorkers ?? 0, 0);
  if (minWorkers > maxWorkers) {
    throw new RangeError(`minWorkers (${minWorkers}) must not exceed maxWorkers (${maxWorkers})`);
  }
  const idleTimeout = options.idleTimeout === undefined ? undefined : checkMs("idleTimeout", options.idleTimeout);
  const spinMs = options.spinMs === undefined ? 0 : checkMs("spinMs", options.spinMs);
  const lingerMs = options.lingerMs === undefined ? DEFAULT_LINGER_MS : checkMs("lingerMs", options.lingerMs);
  if (!Number.isFinite(lingerMs)) throw new RangeError("lingerMs must be finite: a worker would never sleep");
  const cancelGraceMs =
    options.cancelGraceMs === undefined ? DEFAULT_CANCEL_GRACE_MS : checkMs("cancelGraceMs", options.cancelGraceMs);
  const maxQueue = checkCount("maxQueue", options.maxQueue ?? Number.POSITIVE_INFINITY, 1, true);
  const maxTasksPerWorker = checkCount(
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
  return {
    maxWorkers,
    minWorkers,
    idleTimeout,
    maxQueue,
    spinMs: kind === "thread" ? spinMs : 0, // a child process's replies cannot be polled
    lingerMs,
    cancelGraceMs,
    maxTasksPerWorker,
    exitPolicy: options.onWorkerExit ?? "replace",
    Broken: options.broken ?? BrokenExecutorError,
  };
}

/** Checks the options of one submit; throws a `TypeError` or `RangeError` naming what is wrong. */
export function checkSubmitOptions(options: SubmitOptions): void {
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
}
