/**
 * `gather(aws)`: Python's `asyncio.gather` for promises and tasks.
 *
 * @module
 */
import { abortable } from "./_abortable.ts";
import { checkSignal, describe } from "./_util.ts";
import { AsyncTask } from "./task.ts";

/** Options of {@linkcode gather}. */
export interface GatherOptions {
  /**
   * When true, a failure (or a cancellation, as a `CancelledError`) takes that item's place in the
   * results instead of rejecting.
   * @default {false}
   */
  returnExceptions?: boolean;
  /**
   * Cancels the gather: every {@linkcode AsyncTask} in `aws` is cancelled and the promise rejects
   * with `signal.reason` (Python: cancelling `gather()` cancels its children).
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** The results of `gather(aws)`, item by item. */
export type GatherResults<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };
/** The results of `gather(aws, { returnExceptions: true })`: a value or the error in each place. */
export type GatherSettled<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> | Error };

/**
 * Waits for every awaitable and resolves to their results, in the order given.
 *
 * Without `returnExceptions`, the first failure rejects the returned promise and — as in asyncio —
 * the other awaitables keep running (they are not cancelled; use a {@linkcode TaskGroup} for that).
 * With `returnExceptions: true` it never rejects because of an item: errors sit in their places.
 *
 * @typeParam T The tuple of awaitables (promises, {@linkcode AsyncTask}s, thenables or values).
 * @param aws The awaitables.
 * @param options `returnExceptions` and a signal.
 * @returns The results.
 * @throws {TypeError} If `aws` is not iterable
 *
 * @example
 * ```ts
 * import { gather } from "@cc/async";
 * const [a, b] = await gather([Promise.resolve(1), Promise.resolve("two")]);
 * console.assert(a === 1 && b === "two");
 * const r = await gather([Promise.reject(new Error("x")), 2], { returnExceptions: true });
 * console.assert(r[0] instanceof Error && r[1] === 2);
 * ```
 */
export function gather<T extends readonly unknown[]>(
  aws: T,
  options: GatherOptions & { returnExceptions: true },
): Promise<GatherSettled<T>>;
export function gather<T extends readonly unknown[]>(aws: T, options?: GatherOptions): Promise<GatherResults<T>>;
export function gather<T extends readonly unknown[]>(aws: T, options?: GatherOptions): Promise<unknown[]> {
  if (aws === null || typeof (aws as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== "function") {
    throw new TypeError(`Cannot gather as aws must be an iterable of awaitables: received ${describe(aws)}`);
  }
  const items = [...aws];
  const signal = checkSignal(options?.signal);
  const all = options?.returnExceptions
    ? Promise.all(items.map((aw) => Promise.resolve(aw).then(undefined, (error: unknown) => error)))
    : Promise.all(items);
  if (signal === undefined) return all;
  const onAbort = (): void => {
    for (const aw of items) if (aw instanceof AsyncTask) aw.cancel(signal.reason);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return abortable(all, signal).finally(() => signal.removeEventListener("abort", onAbort));
}
