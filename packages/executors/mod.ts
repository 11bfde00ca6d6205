/**
 * Python's `concurrent.futures` executors for Node: the `Executor` interface, one worker-pool engine
 * (`PoolExecutor`) shared by every pool, and `ThreadPoolExecutor` on `worker_threads`.
 *
 * @module
 */
export * from "./executor.ts";
export * from "./pool_executor.ts";
export * from "./thread_pool_executor.ts";
