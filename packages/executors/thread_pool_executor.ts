/**
 * Python's `ThreadPoolExecutor` on `worker_threads`.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { BrokenThreadPool } from "@cc/core";
import { PoolExecutor, type PoolExecutorOptions } from "./pool_executor.ts";

/** Options of {@linkcode ThreadPoolExecutor}. */
export interface ThreadPoolExecutorOptions extends PoolExecutorOptions {
  /**
   * Most worker threads. Default: `os.availableParallelism()` — one per core, since cc's threads run
   * JavaScript in parallel (no GIL) and I/O inside a thread is already asynchronous. Python's
   * `min(32, cpus + 4)` exists for threads that block on I/O; any number works here, 64 on 2 cores too.
   */
  maxWorkers?: number;
}

/**
 * Runs tasks on a pool of worker threads (Python's `concurrent.futures.ThreadPoolExecutor`). Each task
 * is a function exported by a module (see `task()` in `@cc/core`); arguments and results are copied
 * with structured clone. A worker that dies mid-task fails that task with `WorkerExitError` and is
 * replaced; a failing `initializer` breaks the pool (`BrokenThreadPool`), as in Python.
 *
 * @example
 * ```ts no-run
 * import { task } from "@cc/core";
 * import { ThreadPoolExecutor } from "@cc/executors";
 * import { wait } from "@cc/futures";
 * export function square(id: number): number { return id ** 2; }
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 4 });
 * const futures = [123, 456, 789].map((id) => executor.submit(task<typeof square>(import.meta.url, "square"), id));
 * await wait(futures);
 * console.log(futures.map((f) => f.resultNow())); // [15129, 207936, 622521]
 * ```
 */
export class ThreadPoolExecutor extends PoolExecutor {
  constructor(options: ThreadPoolExecutorOptions = {}) {
    super("thread", {
      ...options,
      defaultMaxWorkers: availableParallelism(),
      onWorkerExit: "replace",
      broken: BrokenThreadPool,
    });
  }
}

let defaultExecutor: ThreadPoolExecutor | undefined;

/**
 * The shared thread pool that `toThread()` of `@cc/async` uses, created on first use.
 *
 * @example
 * ```ts
 * import { defaultThreadExecutor } from "@cc/executors";
 * console.assert(defaultThreadExecutor() === defaultThreadExecutor());
 * ```
 */
export function defaultThreadExecutor(): ThreadPoolExecutor {
  defaultExecutor ??= new ThreadPoolExecutor();
  return defaultExecutor;
}

(globalThis as Record<symbol, unknown>)[Symbol.for("cc.defaultThreadExecutor")] = defaultThreadExecutor;
