/**
 * Python's `concurrent.futures` Executor across many machines, on BullMQ and Redis: `DistributedExecutor`
 * (the client) and `cc-worker` (the command that runs tasks), with `currentJob()` for tasks that need
 * their job's id and attempt.
 *
 * @module
 */
export * from "./distributed_executor.ts";
export * from "./job_context.ts";
export * from "./worker.ts";
