/**
 * Python's `concurrent.futures.ProcessPoolExecutor` on child processes.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { BrokenProcessPool, type Task } from "@cc/core";
import { PoolExecutor, type PoolExecutorOptions, type SubmitOptions } from "@cc/executors";
import type { Future } from "@cc/futures";
import { NESTED_RUNNER, nestedCall } from "./_pool_args.ts";

/** Options of {@linkcode ProcessPoolExecutor}. */
export interface ProcessPoolExecutorOptions extends PoolExecutorOptions {
  /**
   * Most child processes. Any number works, more than the cores too (they share the CPUs).
   *
   * @default {os.availableParallelism()}
   */
  maxWorkers?: number;
  /**
   * Tasks a child process runs before it is replaced by a fresh one (Python's `max_tasks_per_child`;
   * the engine's `maxTasksPerWorker`, which is also accepted). Default: unlimited.
   */
  maxTasksPerChild?: number;
}

/**
 * Runs tasks on a pool of child processes (Python's `concurrent.futures.ProcessPoolExecutor`), on the
 * same engine as `ThreadPoolExecutor`: each task is a function exported by a module (`task()` of
 * `@cc/core`), its arguments and result are copied with structured clone (Node's "advanced"
 * IPC serialization), and calls submitted together travel in one message per child.
 *
 * As in Python, a child that dies abruptly (`process.exit()`, a signal, a native crash) **breaks the
 * pool**: the task it was running and every pending one fail with `BrokenProcessPool` (the cause says
 * how the child ended), the other children are stopped, and every later `submit` throws. A failing
 * `initializer` breaks it too. An error *thrown* by a task only fails that task.
 *
 * @example
 * ```ts no-run
 * import { task } from "@cc/core";
 * import { wait } from "@cc/futures";
 * import { ProcessPoolExecutor } from "@cc/processes";
 * export function square(id: number): number { return id ** 2; }
 * await using executor = new ProcessPoolExecutor({ maxWorkers: 4 });
 * const squareTask = task<typeof square>(import.meta.url, "square");
 * const futures = [123, 456, 789].map((id) => executor.submit(squareTask, id));
 * await wait(futures);
 * console.log(futures.map((f) => f.resultNow())); // [15129, 207936, 622521]
 * ```
 */
export class ProcessPoolExecutor extends PoolExecutor {
  constructor(options: ProcessPoolExecutorOptions = {}) {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    const { maxTasksPerChild, ...rest } = options;
    if (
      maxTasksPerChild !== undefined &&
      rest.maxTasksPerWorker !== undefined &&
      maxTasksPerChild !== rest.maxTasksPerWorker
    ) {
      throw new RangeError(
        `maxTasksPerChild (${maxTasksPerChild}) and maxTasksPerWorker (${rest.maxTasksPerWorker}) disagree: give one`,
      );
    }
    if (maxTasksPerChild !== undefined) {
      if (typeof maxTasksPerChild !== "number") {
        throw new TypeError(
          `maxTasksPerChild must be a number, got ${typeof maxTasksPerChild} ${String(maxTasksPerChild)}`,
        );
      }
      if (!Number.isInteger(maxTasksPerChild) || maxTasksPerChild < 1) {
        throw new RangeError(`maxTasksPerChild must be an integer ≥ 1, got ${maxTasksPerChild}`);
      }
    }
    super("process", {
      ...rest,
      maxTasksPerWorker: maxTasksPerChild ?? rest.maxTasksPerWorker,
      defaultMaxWorkers: availableParallelism(),
      onWorkerExit: "break",
      broken: BrokenProcessPool,
    });
  }

  /**
   * Schedules `task(...args)` in a child process, as {@linkcode PoolExecutor.submit}; a `Queue`, `Lock`…
   * of this package inside an argument (`{ queue }`, `[lock]`) arrives as the same primitive.
   *
   * @example
   * ```ts no-run
   * import { isMainModule, task } from "@cc/core";
   * import { ProcessPoolExecutor, Queue } from "@cc/processes";
   * export async function report(out: { queue: Queue<string> }): Promise<void> { await out.queue.put("done"); }
   * if (isMainModule(import.meta)) {
   *   await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
   *   const queue = new Queue<string>();
   *   await executor.submit(task<typeof report>(import.meta.url, "report"), { queue });
   *   console.log(await queue.get()); // "done"
   * }
   * ```
   */
  override submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): Future<R> {
    const nested = nestedCall(task, args);
    return nested ? (super.submit(NESTED_RUNNER, ...nested) as Future<R>) : super.submit(task, ...args);
  }

  /**
   * {@linkcode ProcessPoolExecutor.submit} with per-call options (as {@linkcode PoolExecutor.submitWith}).
   *
   * @example
   * ```ts no-run
   * import { isMainModule, task } from "@cc/core";
   * import { ProcessPoolExecutor } from "@cc/processes";
   * export function square(x: number): number { return x * x; }
   * if (isMainModule(import.meta)) {
   *   await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
   *   console.log(await executor.submitWith(task<typeof square>(import.meta.url, "square"), [7], { timeout: 1000 })); // 49
   * }
   * ```
   */
  override submitWith<A extends unknown[], R>(task: Task<A, R>, args: A, options: SubmitOptions = {}): Future<R> {
    const nested = nestedCall(task, args);
    return nested
      ? (super.submitWith(NESTED_RUNNER, nested, options) as Future<R>)
      : super.submitWith(task, args, options);
  }
}
