/**
 * The task contract of cc: a task is a function another thread or process can load, addressed by
 * (module URL, export name). This package holds the error model, task definitions, the message
 * protocol, the worker-side runtime, the two transports (worker threads and child processes) and the
 * host's end of a worker connection, which every cc model shares.
 *
 * @module
 */
export * from "./bootstrap.ts";
export * from "./connection.ts";
export * from "./context.ts";
export * from "./errors.ts";
export * from "./import_task_module.ts";
export * from "./main_module.ts";
export * from "./protocol.ts";
export * from "./revive_error.ts";
export * from "./runtime.ts";
export * from "./shareable.ts";
export * from "./task.ts";
export * from "./transfer.ts";
export * from "./transport.ts";
export * from "./uncloneable.ts";
