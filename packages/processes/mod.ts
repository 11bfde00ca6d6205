/**
 * Python's `multiprocessing` and `concurrent.futures.ProcessPoolExecutor` for Node.js, on child
 * processes: {@linkcode ProcessPoolExecutor} (the executor interface; a child that dies breaks the
 * pool, as in Python), {@linkcode Pool} (`multiprocessing.Pool`: `map`, `starmap`, `imap`,
 * `applyAsync`…) and {@linkcode Process} (one child process per object, with a target task or a
 * subclass whose `run()` loads in the child), and multiprocessing's primitives shared by a parent and
 * its children: {@linkcode Queue}, {@linkcode JoinableQueue}, {@linkcode Pipe}, {@linkcode Lock},
 * {@linkcode RLock}, {@linkcode Semaphore}, {@linkcode Event}, {@linkcode Value},
 * {@linkcode SharedArray} and a {@linkcode Manager} of shared dicts and lists. Arguments and results are
 * copied with structured clone. Time is in milliseconds.
 *
 * ```ts no-run
 * import { isMainModule, task } from "@cc/core";
 * import { ProcessPoolExecutor } from "@cc/processes";
 * export function square(x: number): number { return x * x; }
 * // each child imports this module to run `square`: the program runs only where it was started
 * if (isMainModule(import.meta)) {
 *   await using executor = new ProcessPoolExecutor({ maxWorkers: 4 });
 *   console.log(await executor.submit(task<typeof square>(import.meta.url, "square"), 12)); // 144
 * }
 * ```
 *
 * @module
 */
export * from "./active_children.ts";
export * from "./async_result.ts";
export * from "./barrier.ts";
export * from "./condition.ts";
export * from "./dict_proxy.ts";
export * from "./event.ts";
export * from "./list_proxy.ts";
export * from "./lock.ts";
export * from "./manager.ts";
export * from "./pipe.ts";
export * from "./pool.ts";
export * from "./primitive_errors.ts";
export * from "./process.ts";
export * from "./process_pool_executor.ts";
export * from "./queue.ts";
export * from "./semaphore.ts";
export * from "./shared_value.ts";
export * from "./wait_options.ts";
