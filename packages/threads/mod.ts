/**
 * Python's `threading` for Node.js: cross-thread synchronisation primitives (`Lock`, `RLock`,
 * `Semaphore`, `BoundedSemaphore`, `Event`, `Condition`, `Barrier`) that live in a
 * `SharedArrayBuffer` and work across `worker_threads`. Pass one to a thread or task as a top-level
 * argument and every copy works on the same memory. Every waiting method has an async form that
 * never blocks the event loop (any thread) and a `…Sync` form that blocks a worker thread.
 *
 * ```ts
 * import { Lock } from "@cc/threads";
 * const lock = new Lock();
 * {
 *   await using _ = await lock.hold();
 *   console.assert(lock.locked());
 * }
 * ```
 *
 * @module
 */
export * from "./barrier.ts";
export * from "./condition.ts";
export * from "./event.ts";
export * from "./lock.ts";
export * from "./rlock.ts";
export * from "./semaphore.ts";
export * from "./thread.ts";
export * from "./wait_options.ts";
