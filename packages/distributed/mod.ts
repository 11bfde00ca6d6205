/**
 * Python's `concurrent.futures` Executor across many machines, on BullMQ and Redis (work in progress).
 *
 * @module
 */
export {};
