/**
 * The error tree every cc package shares, after Python's `concurrent.futures` and `asyncio`.
 *
 * @module
 */

/**
 * Raised when waiting on a future or task that was cancelled
 * (Python's `concurrent.futures.CancelledError` / `asyncio.CancelledError`).
 *
 * @example
 * ```ts
 * import { CancelledError } from "@cc/core";
 * const err = new CancelledError();
 * console.assert(err.name === "CancelledError");
 * ```
 */
export class CancelledError extends Error {
  override name = "CancelledError";
  constructor(message = "The operation was cancelled", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Raised when an operation does not finish before its timeout
 * (Python's `TimeoutError`). Timeouts in cc are in milliseconds.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@cc/core";
 * const err = new TimeoutError("result() timed out after 50 ms");
 * console.assert(err instanceof Error && err.name === "TimeoutError");
 * ```
 */
export class TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(message = "The operation timed out", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Raised when an operation is not allowed in the object's current state, e.g. setting the
 * result of a future that is already done (Python's `InvalidStateError`).
 *
 * @example
 * ```ts
 * import { InvalidStateError } from "@cc/core";
 * console.assert(new InvalidStateError("FINISHED").message === "FINISHED");
 * ```
 */
export class InvalidStateError extends Error {
  override name = "InvalidStateError";
}

/**
 * Raised when an executor can no longer run tasks, e.g. a worker died or an initializer failed
 * (Python's `BrokenExecutor`). Pending futures fail with it, and so does every later `submit`.
 *
 * @example
 * ```ts
 * import { BrokenExecutorError } from "@cc/core";
 * const err = new BrokenExecutorError("initializer failed", { cause: new Error("boom") });
 * console.assert((err.cause as Error).message === "boom");
 * ```
 */
export class BrokenExecutorError extends Error {
  override name = "BrokenExecutorError";
}

/**
 * A thread pool that can no longer run tasks (Python's `BrokenThreadPool`).
 *
 * @example
 * ```ts
 * import { BrokenExecutorError, BrokenThreadPool } from "@cc/core";
 * console.assert(new BrokenThreadPool("broken") instanceof BrokenExecutorError);
 * ```
 */
export class BrokenThreadPool extends BrokenExecutorError {
  override name = "BrokenThreadPool";
}

/**
 * A process pool that can no longer run tasks (Python's `BrokenProcessPool`).
 *
 * @example
 * ```ts
 * import { BrokenExecutorError, BrokenProcessPool } from "@cc/core";
 * console.assert(new BrokenProcessPool("broken") instanceof BrokenExecutorError);
 * ```
 */
export class BrokenProcessPool extends BrokenExecutorError {
  override name = "BrokenProcessPool";
}

/** Options of {@linkcode WorkerExitError}. */
export interface WorkerExitErrorOptions extends ErrorOptions {
  /** The worker's exit code, or `null` when it was ended by a signal. */
  exitCode: number | null;
  /** The signal that ended a child process, if any. */
  signal?: NodeJS.Signals | null;
  /** True when the worker ran out of memory (`resourceLimits` or `--max-old-space-size`). */
  outOfMemory?: boolean;
}

/**
 * A worker thread or child process ended while it was running a task.
 *
 * @example
 * ```ts
 * import { WorkerExitError } from "@cc/core";
 * const err = new WorkerExitError("worker exited with code 3", { exitCode: 3 });
 * console.assert(err.exitCode === 3 && err.signal === null);
 * ```
 */
export class WorkerExitError extends Error {
  override name = "WorkerExitError";
  /** The worker's exit code, or `null` when it was ended by a signal. */
  readonly exitCode: number | null;
  /** The signal that ended a child process, or `null`. */
  readonly signal: NodeJS.Signals | null;
  /** True when the worker ran out of memory. */
  readonly outOfMemory: boolean;
  constructor(message: string, options: WorkerExitErrorOptions) {
    super(message, options);
    this.exitCode = options.exitCode;
    this.signal = options.signal ?? null;
    this.outOfMemory = options.outOfMemory ?? false;
  }
}

/**
 * A task could not be loaded: its module failed to import, lacks the named export, or the export
 * is not a function. The message names the task; the import error, if any, is the `cause`.
 *
 * @example
 * ```ts
 * import { TaskLoadError } from "@cc/core";
 * const err = new TaskLoadError("no export named \"nope\"", { url: "file:///app/tasks.js", name: "nope" });
 * console.assert(err.task.name === "nope");
 * ```
 */
export class TaskLoadError extends Error {
  override name = "TaskLoadError";
  /** The task that failed to load. */
  readonly task: { readonly url: string; readonly name: string };
  constructor(reason: string, task: { url: string; name: string }, options?: ErrorOptions) {
    super(`Cannot load task "${task.name}" from ${task.url}: ${reason}`, options);
    this.task = { url: task.url, name: task.name };
  }
}

/**
 * A program started a pool, thread or process from the top level of a module that a cc worker was
 * importing to run one of its tasks: the program lacks the {@linkcode isMainModule} guard, and each
 * worker would start workers of its own without end. Python raises `RuntimeError` ("An attempt has
 * been made to start a new process before the current process has finished its bootstrapping phase").
 * The worker's import fails with it, so the caller's future fails with a {@linkcode TaskLoadError}
 * whose `cause` is this error.
 *
 * @example
 * ```ts
 * import { BootstrapError } from "@cc/core";
 * const err = new BootstrapError("a ThreadPoolExecutor", "file:///app/main.ts");
 * console.assert(err.module === "file:///app/main.ts" && err.message.includes("isMainModule"));
 * ```
 */
export class BootstrapError extends Error {
  override name = "BootstrapError";
  /** The module whose top-level code tried to start a worker. */
  readonly module: string;
  constructor(what: string, module: string, options?: ErrorOptions) {
    super(
      `${what} was started while a cc worker was still importing ${module} to run one of its tasks: ` +
        "the module's top-level code runs again in every worker that imports it, so each worker would start " +
        "workers of its own without end. Put the program's main code under " +
        "`if (isMainModule(import.meta)) { … }` (from @cc/core), as Python programs use " +
        '`if __name__ == "__main__":`, or move the tasks to a module of their own.',
      options,
    );
    this.module = module;
  }
}

/**
 * A value could not be copied across a thread or process boundary (structured clone rules):
 * a function, a symbol, a socket, a `WeakMap`… `path` names the offending value, e.g.
 * `args[0].callback` or `result.handle`.
 *
 * @example
 * ```ts
 * import { CloneError } from "@cc/core";
 * const err = new CloneError("args[0].callback", "function", "download");
 * console.assert(err.path === "args[0].callback" && err instanceof TypeError);
 * ```
 */
export class CloneError extends TypeError {
  override name = "CloneError";
  /** Path of the value that could not be cloned, e.g. `args[0].callback`. */
  readonly path: string;
  /** What the value is, e.g. `a function (callback)`. */
  readonly what: string;
  /** The task whose argument or result it was, when known. */
  readonly taskName: string | undefined;
  constructor(path: string, what: string, taskName?: string, options?: ErrorOptions) {
    const where = taskName === undefined ? "" : ` (task "${taskName}")`;
    super(`${path} could not be cloned${where}: ${what} cannot cross a thread or process boundary`, options);
    this.path = path;
    this.what = what;
    this.taskName = taskName;
  }
}

/**
 * An error thrown in another thread or process whose class is not known here. It keeps the
 * original `name`, `message`, `stack`, `cause` and own properties; `remoteClass` is the original
 * constructor's name. Built-in errors (`TypeError`, `RangeError`, …) and cc's own errors are
 * recreated with their own class instead.
 *
 * @example
 * ```ts
 * import { RemoteError } from "@cc/core";
 * const err = new RemoteError({ name: "ValidationError", message: "bad id", remoteClass: "ValidationError" });
 * console.assert(err.name === "ValidationError" && err.message === "bad id");
 * ```
 */
export class RemoteError extends Error {
  /** The name of the error's class in the thread or process that threw it. */
  readonly remoteClass: string;
  constructor(init: { name: string; message: string; remoteClass: string; stack?: string }, options?: ErrorOptions) {
    super(init.message, options);
    Object.defineProperty(this, "name", { value: init.name, writable: true, configurable: true, enumerable: false });
    this.remoteClass = init.remoteClass;
    if (init.stack !== undefined) this.stack = init.stack;
  }
}

/**
 * An executor's bounded queue (`maxQueue`) is full. Wait with `executor.waitForCapacity()` before
 * submitting, or submit less at once.
 *
 * @example
 * ```ts
 * import { QueueFullError } from "@cc/core";
 * console.assert(new QueueFullError("queue is full (maxQueue 100)").name === "QueueFullError");
 * ```
 */
export class QueueFullError extends Error {
  override name = "QueueFullError";
}

// cc's own errors carry a brand under a global symbol, so that copies of @cc/core agree (a worker's
// bundled runtime is one copy, the @cc/core a task module imports another). The error codec recreates
// cc's classes only for errors that carry it: a user's own class that happens to be named
// `TimeoutError` arrives as a `RemoteError` of that name, not as cc's `TimeoutError`.
for (const cls of [
  CancelledError,
  TimeoutError,
  InvalidStateError,
  BrokenExecutorError,
  WorkerExitError,
  TaskLoadError,
  BootstrapError,
  CloneError,
  QueueFullError,
]) {
  Object.defineProperty(cls.prototype, Symbol.for("cc.error"), { value: true });
}
