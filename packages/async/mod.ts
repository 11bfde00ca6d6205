/**
 * asyncio's toolkit for promises: tasks with cancellation (`createTask`), `gather`, `wait`,
 * `asCompleted`, `shield`, structured concurrency (`TaskGroup`), timeouts (`timeout`, `waitFor`),
 * fair synchronisation primitives (`Lock`, `Event`, `Condition`, `Semaphore`, `Barrier`), queues,
 * `runInExecutor`/`toThread`, plus `retry` and `limit`. Time is in milliseconds; cancellation is an
 * `AbortSignal`.
 *
 * ```ts
 * import { TaskGroup, limit, sleep } from "@cc/async";
 * const lim = limit(2);
 * await TaskGroup.run((tg) => {
 *   for (const ms of [3, 1, 2]) tg.createTask((signal) => lim(() => sleep(ms, { signal })));
 * });
 * ```
 *
 * @module
 */
export * from "./as_completed.ts";
export * from "./barrier.ts";
export * from "./condition.ts";
export * from "./event.ts";
export * from "./exception_group.ts";
export * from "./gather.ts";
export * from "./limit.ts";
export * from "./lock.ts";
export * from "./queue.ts";
export * from "./retry.ts";
export * from "./run_in_executor.ts";
export * from "./semaphore.ts";
export * from "./shield.ts";
export * from "./sleep.ts";
export * from "./task.ts";
export * from "./task_group.ts";
export * from "./timeout.ts";
export * from "./wait.ts";
export * from "./wait_for.ts";
