/**
 * `shield(aw)`: Python's `asyncio.shield`.
 *
 * @module
 */
import { abortable } from "./_abortable.ts";
import { AsyncTask } from "./task.ts";

/**
 * Protects an awaitable from cancellation: returns a new {@linkcode AsyncTask} that follows `aw`;
 * cancelling that task (directly, by `waitFor`, a timeout or a {@linkcode TaskGroup}) ends it with
 * `CancelledError` at once while `aw` keeps running untouched.
 *
 * @typeParam T The result type.
 * @param aw The promise or task to protect.
 * @returns A task that settles like `aw`, unless it is itself cancelled.
 *
 * @example
 * ```ts
 * import { createTask, shield, sleep } from "@cc/async";
 * const inner = createTask(() => sleep(5, { value: "saved" }));
 * const outer = shield(inner);
 * outer.cancel();
 * await outer.catch(() => {});
 * console.assert(outer.cancelled() && (await inner) === "saved");
 * ```
 */
export function shield<T>(aw: PromiseLike<T>): AsyncTask<T> {
  // As asyncio's shield does, the inner error counts as retrieved when the outer side is cancelled.
  Promise.resolve(aw).then(undefined, () => {});
  return new AsyncTask<T>((signal) => abortable(aw, signal), { name: "shield" });
}
