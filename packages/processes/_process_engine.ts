// The process flavour of the pool engine, shared by ProcessPoolExecutor and Pool.
import type { Task } from "@cc/core";
import { PoolExecutor, type SubmitOptions } from "@cc/executors";
import type { Future } from "@cc/futures";
import { checkProcessArgs, failedFuture } from "./_cross_process.ts";

/**
 * The pool engine over child processes, refusing shared memory per call: a `SharedArrayBuffer` would
 * reach the child as a silent copy, so such a call fails with a `CloneError` naming the value's path.
 * The check walks only object arguments, so calls with primitive arguments pay nothing.
 */
export class ProcessEngine extends PoolExecutor {
  override submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): Future<R> {
    const bad = checkProcessArgs(task, args, this.isShutdown || this.broken !== undefined);
    return bad ? failedFuture<R>(bad) : super.submit(task, ...args);
  }
  override submitWith<A extends unknown[], R>(task: Task<A, R>, args: A, options?: SubmitOptions): Future<R> {
    const bad = Array.isArray(args)
      ? checkProcessArgs(task, args, this.isShutdown || this.broken !== undefined)
      : undefined;
    return bad ? failedFuture<R>(bad) : super.submitWith(task, args, options);
  }
  override _submitChunk<R>(task: Task, chunk: unknown[][]): Future<R[]> {
    const bad = checkProcessArgs(task, chunk, this.isShutdown || this.broken !== undefined, true);
    return bad ? failedFuture<R[]>(bad) : super._submitChunk<R>(task, chunk);
  }
}
