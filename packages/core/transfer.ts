/**
 * Moving (not copying) `ArrayBuffer`s, `MessagePort`s and other transferables out of a task.
 *
 * @module
 */

import type { TransferListItem } from "node:worker_threads";

const TRANSFER = Symbol.for("cc.transfer");

/** A value returned with a list of objects to transfer instead of copying. */
export interface Transfer<T> {
  readonly [TRANSFER]: true;
  readonly value: T;
  readonly transferList: readonly TransferListItem[];
}

/**
 * Marks a task's return value so that the listed transferables move to the caller without a copy
 * (worker threads; a child process copies them). The caller receives `value` itself.
 *
 * @example
 * ```ts
 * import { transfer } from "@cc/core";
 * export function makeBuffer(size: number) {
 *   const bytes = new Uint8Array(size);
 *   return transfer(bytes, [bytes.buffer]);
 * }
 * console.assert(makeBuffer(4).value.length === 4);
 * ```
 */
export function transfer<T>(value: T, transferList: readonly TransferListItem[]): Transfer<T> {
  if (!Array.isArray(transferList)) throw new TypeError("transfer() needs an array of transferables");
  return { [TRANSFER]: true, value, transferList };
}

/**
 * True if `value` was made by {@linkcode transfer}.
 *
 * @example
 * ```ts
 * import { isTransfer, transfer } from "@cc/core";
 * const bytes = new Uint8Array(8);
 * console.assert(isTransfer(transfer(bytes, [bytes.buffer])) && !isTransfer(bytes));
 * ```
 */
export function isTransfer(value: unknown): value is Transfer<unknown> {
  return typeof value === "object" && value !== null && (value as Transfer<unknown>)[TRANSFER] === true;
}
