/**
 * `TaskGroup`: Python's `asyncio.TaskGroup`, structured concurrency for promises.
 *
 * @module
 */
import { CancelledError, InvalidStateError } from "@cc/core";
import { runInNestedScope } from "./_cancel_scope.ts";
import { checkFunction, checkSignal, type Deferred, deferred, isCancellation } from "./_util.ts";
import { ExceptionGroup } from "./exception_group.ts";
import { AsyncTask, type CreateTaskOptions } from "./task.ts";

/** Options of {@linkcode TaskGroup}. */
export interface TaskGroupOptions {
  /**
   * The outer cancellation: when it aborts, every child is cancelled, the group waits for them and
   * then rejects with `signal.reason` (unless a child failed: then the {@linkcode ExceptionGroup}).
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** Options of {@linkcode TaskGroup.createTask}. */
export type TaskGroupTaskOptions = Pick<CreateTaskOptions, "name">;

/**
 * A group of tasks that end together (Python's `asyncio.TaskGroup`).
 *
 * - `tg.createTask(fn)` starts `fn(signal)`; the signal aborts when the group is cancelled.
 * - The first child that fails (other than by cancellation) cancels all its siblings and aborts
 *   `tg.signal`, which the group's body should watch.
 * - Leaving the group waits for **every** child to settle, then throws an {@linkcode ExceptionGroup}
 *   of all the failures (the body's own error included), or the outer signal's reason if the group
 *   was cancelled from outside. Nothing outlives the group.
 *
 * Two forms: `await TaskGroup.run(async (tg) => { … })` (the body's error is seen and cancels the
 * children, as in Python), or `await using tg = new TaskGroup()` (leaving the block awaits the
 * children; JavaScript does not show the block's error to `[Symbol.asyncDispose]`, so a throwing
 * block does not cancel the children there — it waits for them and the error then propagates,
 * wrapped in a `SuppressedError` if the group failed too).
 *
 * @example
 * ```ts
 * import { TaskGroup, sleep } from "@cc/async";
 * const results = await TaskGroup.run(async (tg) => {
 *   const a = tg.createTask(() => sleep(2, { value: 1 }));
 *   const b = tg.createTask(() => sleep(1, { value: 2 }));
 *   return [a, b];
 * });
 * console.assert(results.map((t) => t.result()).join() === "1,2");
 * ```
 */
export class TaskGroup implements AsyncDisposable {
  #controller = new AbortController();
  #tasks = new Set<AsyncTask<unknown>>();
  #errors: unknown[] = [];
  #state: "open" | "exiting" | "finished" = "open";
  #aborting = false;
  #outer: AbortSignal | undefined;
  #outerCancelled = false;
  #onOuterAbort: (() => void) | undefined;
  #empty: Deferred<void> | undefined;
  #exit: Promise<void> | undefined;

  /**
   * Enters a new group (in Python, `async with` enters it).
   * @throws {TypeError} If `options.signal` is not an AbortSignal
   */
  constructor(options?: TaskGroupOptions) {
    const outer = checkSignal(options?.signal);
    if (outer !== undefined) {
      this.#outer = outer;
      this.#onOuterAbort = () => {
        this.#outerCancelled = true;
        this.#abort(outer.reason);
      };
      if (outer.aborted) this.#onOuterAbort();
      else outer.addEventListener("abort", this.#onOuterAbort, { once: true });
    }
  }

  /**
   * Runs `body(tg, signal)` in a new group and waits for all its tasks. Resolves to the body's
   * result; rejects with an {@linkcode ExceptionGroup} if a child or the body failed. As with any
   * promise, a task returned by the body is unwrapped to its result (return `[task]` to keep it).
   *
   * @example
   * ```ts
   * import { ExceptionGroup, TaskGroup, sleep } from "@cc/async";
   * try {
   *   await TaskGroup.run((tg) => {
   *     tg.createTask(async () => { throw new Error("boom"); });
   *     tg.createTask((signal) => sleep(60_000, { signal })); // cancelled by the failure
   *   });
   * } catch (e) {
   *   console.assert(e instanceof ExceptionGroup && (e.errors[0] as Error).message === "boom");
   * }
   * ```
   */
  static async run<R>(
    body: (tg: TaskGroup, signal: AbortSignal) => R | PromiseLike<R>,
    options?: TaskGroupOptions,
  ): Promise<Awaited<R>> {
    checkFunction(body, "TaskGroup.run() body");
    const tg = new TaskGroup(options);
    let result: Awaited<R>;
    try {
      result = await runInNestedScope(tg.signal, () => body(tg, tg.signal));
    } catch (error) {
      await tg.#leave(true, error);
      throw error;
    }
    await tg.#leave(false, undefined);
    return result;
  }

  /**
   * Aborts when the group is cancelled: a child failed, the body failed, or the outer signal aborted.
   *
   * @example
   * ```ts
   * import { sleep, TaskGroup } from "@cc/async";
   * let aborted = false;
   * await TaskGroup.run(async (tg) => {
   *   tg.createTask(() => sleep(1));
   *   aborted = tg.signal.aborted;
   * });
   * console.assert(!aborted); // it aborts only when a child or the body fails
   * ```
   */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * The number of children not yet settled.
   *
   * @example
   * ```ts
   * import { sleep, TaskGroup } from "@cc/async";
   * await TaskGroup.run((tg) => {
   *   tg.createTask(() => sleep(1));
   *   tg.createTask(() => sleep(1));
   *   console.assert(tg.size === 2);
   * });
   * ```
   */
  get size(): number {
    return this.#tasks.size;
  }

  /**
   * Starts `fn(signal)` as a child task.
   * @throws {InvalidStateError} If the group is finished or shutting down after a failure
   * @throws {TypeError} If `fn` is not a function
   *
   * @example
   * ```ts
   * import { TaskGroup } from "@cc/async";
   * const results = await TaskGroup.run((tg) => {
   *   const a = tg.createTask(async () => 1);
   *   const b = tg.createTask(async () => 2);
   *   return [a, b];
   * });
   * console.assert(results.map((t) => t.result()).join() === "1,2");
   * ```
   */
  createTask<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>, options?: TaskGroupTaskOptions): AsyncTask<T> {
    checkFunction(fn, "TaskGroup.createTask() fn");
    if (this.#state === "finished") throw new InvalidStateError("Cannot create a task: the TaskGroup is finished");
    if (this.#aborting) throw new InvalidStateError("Cannot create a task: the TaskGroup is shutting down");
    const task = new AsyncTask<T>(fn, options?.name === undefined ? undefined : { name: options.name });
    this.#tasks.add(task as AsyncTask<unknown>);
    task.addDoneCallback(this.#onTaskDone as (t: AsyncTask<T>) => void);
    return task;
  }

  /**
   * Leaves the group: waits for every child, then throws the collected errors, if any.
   *
   * @example
   * ```ts
   * import { ExceptionGroup, TaskGroup } from "@cc/async";
   * try {
   *   await using tg = new TaskGroup();
   *   tg.createTask(async () => {
   *     throw new Error("child failed");
   *   });
   * } catch (e) {
   *   console.assert(e instanceof ExceptionGroup && e.exceptions.length === 1);
   * }
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#leave(false, undefined);
  }

  #onTaskDone = (task: AsyncTask<unknown>): void => {
    this.#tasks.delete(task);
    if (!task.cancelled()) {
      let error: unknown;
      let failed = false;
      try {
        task.result();
      } catch (e) {
        error = e;
        failed = true;
      }
      if (failed) {
        this.#errors.push(error);
        this.#abort(new CancelledError("TaskGroup is cancelling its tasks because one failed", { cause: error }));
      }
    }
    if (this.#tasks.size === 0) this.#empty?.resolve();
  };

  #abort(reason: unknown): void {
    if (this.#aborting) return;
    this.#aborting = true;
    this.#controller.abort(reason);
    for (const task of this.#tasks) task.cancel(reason);
  }

  #leave(threw: boolean, bodyError: unknown): Promise<void> {
    return (this.#exit ??= this.#doLeave(threw, bodyError));
  }

  async #doLeave(threw: boolean, bodyError: unknown): Promise<void> {
    this.#state = "exiting";
    if (threw) {
      if (!isCancellation(bodyError) && bodyError !== this.#controller.signal.reason) this.#errors.push(bodyError);
      this.#abort(
        new CancelledError("TaskGroup is cancelling its tasks because its body failed", { cause: bodyError }),
      );
    }
    while (this.#tasks.size > 0) {
      this.#empty = deferred<void>();
      await this.#empty.promise;
    }
    this.#state = "finished";
    if (this.#outer !== undefined) this.#outer.removeEventListener("abort", this.#onOuterAbort as () => void);
    if (this.#errors.length > 0) throw new ExceptionGroup("unhandled errors in a TaskGroup", this.#errors);
    if (this.#outerCancelled && !threw) throw this.#outer?.reason;
  }
}
