/**
 * `runInExecutor(executor, task, ...args)` and `toThread(task, ...args)`: Python's
 * `loop.run_in_executor` and `asyncio.to_thread`.
 *
 * @module
 */
import type { Task } from "@cc/core";
import { currentScopeSignal, enableCancelScopes } from "./_cancel_scope.ts";
import { checkSignal, describe } from "./_util.ts";

/**
 * Anything that can run a task elsewhere and hand back its result: the structural shape of
 * `@cc/executors`' executors (`ThreadPoolExecutor`, `ProcessPoolExecutor`, …). @cc/async does
 * not depend on @cc/executors; any object with this method works.
 */
export interface SubmitExecutor {
  /** Schedules `task(...args)` and returns a promise-like of its result (e.g. a Future). */
  submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): PromiseLike<R>;
  /**
   * Optional: `submit` with a `signal` that cancels the call (aborting the task's own signal in its
   * worker), as `@cc/executors`' pools have. When present, {@linkcode runInExecutor} and
   * {@linkcode toThread} use it to pass on the cancellation of the task that awaits them.
   *
   * @example
   * ```ts
   * import { createTask, type SubmitExecutor, toThread } from "@cc/async";
   * import { task } from "@cc/core";
   * let seen: AbortSignal | undefined;
   * const pool: SubmitExecutor = {
   *   submit: () => new Promise(() => {}),
   *   submitWith: (_task, _args, { signal }) =>
   *     new Promise((_, reject) => {
   *       seen = signal; // a cc pool aborts the task's currentTask().signal in its worker
   *       signal?.addEventListener("abort", () => reject(signal.reason));
   *     }),
   * };
   * const registry = globalThis as Record<symbol, unknown>;
   * registry[Symbol.for("cc.defaultThreadExecutor")] = () => pool; // what `import "@cc/executors"` does
   * const t = createTask(() => toThread(task<() => void>("/srv/tasks.js", "crunch")));
   * await new Promise((resolve) => setTimeout(resolve, 0)); // the task has submitted its call
   * t.cancel();
   * await t.catch(() => {});
   * console.assert(seen?.aborted === true && t.cancelled());
   * delete registry[Symbol.for("cc.defaultThreadExecutor")];
   * ```
   */
  submitWith?<A extends unknown[], R>(
    task: Task<A, R>,
    args: A,
    options: { signal?: AbortSignal; abort?: "signal" | "terminate" },
  ): PromiseLike<R>;
}

/** Options of {@linkcode runInExecutorWith} and {@linkcode toThreadWith}. */
export interface RunInExecutorOptions {
  /**
   * Also cancels the call, besides the enclosing task, `TaskGroup`, `timeout` or `waitFor(fn)`.
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * How a cancelled call that is running is stopped: `"signal"` aborts the task's `currentTask().signal`
   * (cooperative; the worker stays), `"terminate"` terminates its worker and starts a new one (a hard stop,
   * for code that never looks at its signal). Needs an executor with `submitWith`.
   * @default {"signal"}
   */
  abort?: "signal" | "terminate";
}

/**
 * The global key under which `@cc/executors` registers its default thread executor factory
 * (`Symbol.for("cc.defaultThreadExecutor")`, a function returning a {@linkcode SubmitExecutor}).
 *
 * @example
 * ```ts
 * import { DEFAULT_THREAD_EXECUTOR } from "@cc/async";
 * console.assert(DEFAULT_THREAD_EXECUTOR === Symbol.for("cc.defaultThreadExecutor"));
 * ```
 */
export const DEFAULT_THREAD_EXECUTOR: unique symbol = Symbol.for("cc.defaultThreadExecutor") as never;

/**
 * Runs `task(...args)` on `executor` and resolves to its result (Python's
 * `loop.run_in_executor(executor, func, *args)`). The executor is any {@linkcode SubmitExecutor}.
 *
 * Structured concurrency reaches the worker, which asyncio cannot do (a cancelled `run_in_executor`
 * leaves its thread running): called inside a task (`createTask`, a `TaskGroup` child), a `timeout`,
 * a `waitFor(fn)` or a `TaskGroup.run` body, and if the executor has `submitWith`, the call is submitted
 * with that scope's signal, so cancelling the awaiting task (or its group, or a deadline) aborts the
 * task's `currentTask().signal` in its worker and rejects at once. This tracking is on once
 * `@cc/executors` is loaded or after the first `runInExecutor`/`toThread` call.
 *
 * @typeParam A The task's parameters.
 * @typeParam R The task's result.
 * @param executor The executor.
 * @param task The task (a `Task` from `@cc/core`).
 * @param args The task's arguments.
 * @returns The result, as a promise.
 * @throws {TypeError} If `executor` has no `submit` method
 *
 * @example
 * ```ts
 * import { runInExecutor, type SubmitExecutor } from "@cc/async";
 * import { task } from "@cc/core";
 * const inline: SubmitExecutor = { submit: async (_t, ...args) => (args as number[])[0]! * 2 as never };
 * const double = task<(x: number) => number>("/srv/tasks.js", "double");
 * console.assert((await runInExecutor(inline, double, 21)) === 42);
 * ```
 */
export function runInExecutor<A extends unknown[], R>(
  executor: SubmitExecutor,
  task: Task<A, R>,
  ...args: A
): Promise<Awaited<R>> {
  return runInExecutorWith(executor, task, args);
}

/**
 * {@linkcode runInExecutor} with the arguments as an array and per-call options: a `signal` of its own
 * (joined with the enclosing scope's) and `abort: "terminate"` for a hard stop of a cancelled call.
 *
 * @typeParam A The task's parameters.
 * @typeParam R The task's result.
 * @param executor The executor; `submitWith` is needed when options are given.
 * @param task The task (a `Task` from `@cc/core`).
 * @param args The task's arguments.
 * @param options `{ signal, abort }`.
 * @returns The result, as a promise.
 * @throws {TypeError} (rejects) If `executor` has no `submit`, or options are given and it has no `submitWith`
 *
 * @example
 * ```ts
 * import { runInExecutorWith, type SubmitExecutor } from "@cc/async";
 * import { task } from "@cc/core";
 * let asked: string | undefined;
 * const pool: SubmitExecutor = {
 *   submit: async () => undefined as never,
 *   submitWith: (_task, args, { abort }) => {
 *     asked = abort; // a cc pool terminates the worker of a cancelled call with "terminate"
 *     return Promise.resolve((args[0] as number) * 2 as never);
 *   },
 * };
 * const double = task<(x: number) => number>("/srv/tasks.js", "double");
 * const controller = new AbortController();
 * const y = await runInExecutorWith(pool, double, [21], { signal: controller.signal, abort: "terminate" });
 * console.assert(y === 42 && asked === "terminate");
 * ```
 */
export function runInExecutorWith<A extends unknown[], R>(
  executor: SubmitExecutor,
  task: Task<A, R>,
  args: A,
  options: RunInExecutorOptions = {},
): Promise<Awaited<R>> {
  if (executor === null || typeof (executor as Partial<SubmitExecutor>)?.submit !== "function") {
    return Promise.reject(
      new TypeError(`Cannot run in executor as it must have a submit() method: received ${describe(executor)}`),
    );
  }
  let own: AbortSignal | undefined;
  try {
    if (!Array.isArray(args))
      throw new TypeError(`Cannot run in executor as args must be an array: received ${describe(args)}`);
    own = checkSignal(options?.signal);
    const abort = options?.abort;
    if (abort !== undefined && abort !== "signal" && abort !== "terminate") {
      throw new TypeError(
        `Cannot run in executor as abort must be "signal" or "terminate": received ${describe(abort)}`,
      );
    }
    enableCancelScopes();
    const scope = currentScopeSignal();
    const signal =
      own === undefined ? scope : scope === undefined || scope === own ? own : AbortSignal.any([scope, own]);
    if (typeof executor.submitWith === "function" && (signal !== undefined || abort !== undefined)) {
      return Promise.resolve(
        executor.submitWith(task, args, abort === undefined ? { signal } : { signal, abort }),
      ) as Promise<Awaited<R>>;
    }
    if (own !== undefined || abort !== undefined) {
      throw new TypeError(
        `Cannot run in executor with a signal or abort option as it has no submitWith() method: received ${describe(executor)}`,
      );
    }
    return Promise.resolve(executor.submit(task, ...args)) as Promise<Awaited<R>>;
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Runs `task(...args)` in a worker thread of the default thread executor (Python's
 * `asyncio.to_thread`). The default executor is provided by `@cc/executors`: import it once
 * (`import "@cc/executors"`) so that it registers itself under `Symbol.for("cc.defaultThreadExecutor")`.
 * Unlike Python's threads, the task runs in another V8 isolate: arguments and result are copied
 * (structured clone), so `task` must be a `Task` (module URL + export name), not a closure. Like
 * {@linkcode runInExecutor}, it passes the cancellation of the awaiting task, `timeout` or `waitFor` on
 * to the task's signal in its worker.
 *
 * @throws {Error} (rejects) If no default thread executor is registered
 *
 * @example
 * ```ts
 * import { toThread } from "@cc/async";
 * import { task } from "@cc/core";
 * const registry = globalThis as Record<symbol, unknown>;
 * registry[Symbol.for("cc.defaultThreadExecutor")] = () => ({ submit: async () => "ran" });
 * console.assert((await toThread(task("/srv/tasks.js", "work"))) === "ran");
 * delete registry[Symbol.for("cc.defaultThreadExecutor")];
 * ```
 */
export function toThread<A extends unknown[], R>(task: Task<A, R>, ...args: A): Promise<Awaited<R>> {
  return toThreadWith(task, args);
}

/**
 * {@linkcode toThread} with the arguments as an array and per-call options, as
 * {@linkcode runInExecutorWith}: a `signal` of its own and `abort: "terminate"` for a hard stop.
 *
 * @throws {Error} (rejects) If no default thread executor is registered
 *
 * @example
 * ```ts
 * import { toThreadWith } from "@cc/async";
 * import { task } from "@cc/core";
 * const registry = globalThis as Record<symbol, unknown>;
 * registry[Symbol.for("cc.defaultThreadExecutor")] = () => ({
 *   submit: async () => "ran",
 *   submitWith: async (_t: unknown, _args: unknown, options: { abort?: string }) => `ran, abort: ${options.abort}`,
 * });
 * const spin = task<() => string>("/srv/tasks.js", "spin");
 * console.assert((await toThreadWith(spin, [], { abort: "terminate" })) === "ran, abort: terminate");
 * delete registry[Symbol.for("cc.defaultThreadExecutor")];
 * ```
 */
export function toThreadWith<A extends unknown[], R>(
  task: Task<A, R>,
  args: A,
  options?: RunInExecutorOptions,
): Promise<Awaited<R>> {
  enableCancelScopes();
  const factory = (globalThis as Record<symbol, unknown>)[DEFAULT_THREAD_EXECUTOR];
  if (typeof factory !== "function") {
    return Promise.reject(
      new Error(
        'toThread() needs a default thread executor: add `import "@cc/executors";` to your program (it registers one)',
      ),
    );
  }
  let executor: SubmitExecutor;
  try {
    executor = (factory as () => SubmitExecutor)();
  } catch (error) {
    return Promise.reject(error);
  }
  return runInExecutorWith(executor, task, args, options);
}
