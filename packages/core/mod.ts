/**
 * The task contract of cc: a task is a function another thread or process can load, addressed by
 * (module URL, export name). This package holds the error model, the message protocol, the
 * worker-side runtime and the two transports (worker threads and child processes).
 *
 * @module
 */
export * from "./errors.ts";
export * from "./shareable.ts";
export * from "./task.ts";
