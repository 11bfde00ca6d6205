/**
 * What a task running on a cc-worker can see of its job: the BullMQ job id and the attempt number, to
 * make a task idempotent under at-least-once delivery.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** The job a task is running for, on a cc-worker. */
export interface JobInfo {
  /** The BullMQ job id (the same on every attempt of the job). */
  readonly id: string;
  /** 1 on the first run, 2 on the first retry or after a worker was lost mid-job, and so on. */
  readonly attempt: number;
  /** The task's stable name, `module.export`. */
  readonly name: string;
  /** The queue the job came from. */
  readonly queue: string;
}

const STORAGE = Symbol.for("cc.distributed.jobStorage");

/** @internal One storage per process/thread, shared by every copy of this package loaded in it. */
export function _jobStorage(): AsyncLocalStorage<JobInfo> {
  const g = globalThis as Record<symbol, AsyncLocalStorage<JobInfo> | undefined>;
  let storage = g[STORAGE];
  if (storage === undefined) {
    storage = new AsyncLocalStorage<JobInfo>();
    Object.defineProperty(globalThis, STORAGE, { value: storage });
  }
  return storage;
}

/**
 * The job the calling task runs for on a cc-worker (id, attempt, name, queue), or `undefined` when the
 * task was not started by a cc-worker (called directly, or by a local pool). Works across `await`s and in
 * every `--execute` mode. Use the id as an idempotency key: a job can run more than once (a retry, or a
 * worker lost mid-job), always with the same id.
 *
 * @example
 * ```ts
 * import { currentJob } from "@cc/distributed";
 *
 * export async function charge(order: string): Promise<string> {
 *   const job = currentJob();
 *   // key the side effect on the job id: a second attempt finds it done
 *   return `${order} charged once under key ${job?.id ?? "local"} (attempt ${job?.attempt ?? 1})`;
 * }
 * console.assert((await charge("A1")).endsWith("(attempt 1)"));
 * ```
 */
export function currentJob(): JobInfo | undefined {
  return _jobStorage().getStore();
}
