/**
 * Python's `concurrent.futures` primitives for TypeScript: {@linkcode Future} (a result that may
 * not be ready yet, with Python's states, cancellation and done callbacks; awaitable), and the
 * functions that wait on several futures, {@linkcode wait} and {@linkcode asCompleted}.
 * Time is in milliseconds.
 *
 * ```ts
 * import { asCompleted, Future, wait } from "@cc/futures";
 *
 * const futures = [1, 2, 3].map(() => new Future<number>());
 * futures.forEach((future, i) => setTimeout(() => future.setResult(i * 10), 3 - i));
 * for await (const future of asCompleted(futures)) console.log(future.resultNow()); // 20, 10, 0
 * const { done, notDone } = await wait(futures);
 * console.assert(done.size === 3 && notDone.size === 0);
 * ```
 *
 * @module
 */

export * from "./as_completed.ts";
export * from "./future.ts";
export * from "./wait.ts";
