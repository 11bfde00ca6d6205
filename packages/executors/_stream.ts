// `PoolExecutor.stream`'s slot: a job that holds a place on a worker, like a task, while the worker
// streams a generator's items through its connection (`WorkerConnection.stream`, with backpressure).
import type { Task } from "@cc/core";
import { Job, newExtra, type TaskInfo } from "./_job.ts";
import type { PoolWorker } from "./_pool_worker.ts";

/** Options of `PoolExecutor.stream`. */
export interface StreamOptions {
  /** Items the worker may send ahead of the consumer. */
  highWaterMark?: number;
  /** Stops the stream. */
  signal?: AbortSignal;
}

/**
 * A slot for a stream of `info`'s task: the pool queues `job` like any other and, instead of sending a
 * call, hands it the worker; `worker` resolves with it (or rejects as the job does, when it is
 * cancelled or the pool breaks).
 */
export function streamSlot(
  info: TaskInfo,
  args: unknown[],
  signal: AbortSignal | undefined,
): {
  job: Job<PoolWorker>;
  worker: Promise<PoolWorker>;
} {
  const job = new Job<PoolWorker>(info, args);
  const extra = newExtra();
  job.extra = extra;
  const slot = new Promise<PoolWorker>((resolve) => {
    extra.onDispatch = resolve;
  });
  if (signal) extra.options = { signal };
  return { job, worker: Promise.race([slot, job.asPromise() as Promise<never>]) };
}

/** Streams `task(...args)` on the slot's worker; frees the slot when the consumer leaves or it ends. */
export async function* streamOn<T>(
  job: Job<PoolWorker>,
  worker: PoolWorker,
  task: Task,
  args: unknown[],
  options: StreamOptions,
): AsyncGenerator<T, void, undefined> {
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
