/**
 * What a running task can see of its call: the `AbortSignal` that fires when the caller cancels it,
 * and a way to report progress to the caller.
 *
 * @module
 */
import type { AsyncLocalStorage } from "node:async_hooks";

/** The context of the task call that is running. */
export interface TaskContext {
  /** Aborts when the caller cancels this call (a cooperative stop; the worker stays usable). */
  readonly signal: AbortSignal;
  /** Sends a progress report (any cloneable value) to the caller's `onProgress`. */
  progress(value: unknown): void;
  /** The task's export name. */
  readonly name: string;
}

const STORAGE = Symbol.for("cc.taskContextStorage");

/** @internal The storage the worker runtime runs each call in; shared by every copy of `@cc/core` in a thread. */
export function _contextStorage(): AsyncLocalStorage<TaskContext> | undefined {
  return (globalThis as Record<symbol, AsyncLocalStorage<TaskContext> | undefined>)[STORAGE];
}

/** @internal Installs the storage (the worker runtime does this once per thread). */
export function _installContextStorage(storage: AsyncLocalStorage<TaskContext>): void {
  (globalThis as Record<symbol, unknown>)[STORAGE] = storage;
}

/**
 * The context of the task that is running in this thread or process: its `signal` and `progress()`.
 * Works across `await`s inside the task. Outside a task call it throws an `Error`.
 *
 * @example
 * ```ts no-run
 * import { currentTask } from "@cc/core";
 * export async function crunch(items: number[]): Promise<number> {
 *   const { signal, progress } = currentTask();
 *   let sum = 0;
 *   for (const [i, x] of items.entries()) {
 *     signal.throwIfAborted();
 *     sum += x;
 *     progress({ done: i + 1, of: items.length });
 *   }
 *   return sum;
 * }
 * ```
 */
export function currentTask(): TaskContext {
  const ctx = _contextStorage()?.getStore();
  if (!ctx) throw new Error("currentTask() was called outside of a cc task");
  return ctx;
}
