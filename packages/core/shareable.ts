/**
 * Objects that keep their identity across a thread boundary, such as the `@cc/threads` locks built
 * on `SharedArrayBuffer`. Structured clone drops a class's prototype, so a shareable object says how
 * to rebuild itself on the other side: a module URL, an export name and a cloneable state. The
 * worker runtime imports that export and calls its static `fromShared(state)`.
 *
 * Only the top-level arguments of a task are checked for shareables (not values nested inside them):
 * pass a lock as its own argument.
 *
 * @module
 */

/**
 * The method a shareable object implements; `Symbol.for("cc.shareable")`, so copies of cc agree.
 *
 * @example
 * ```ts
 * import { SHAREABLE } from "@cc/core";
 * import { Lock } from "@cc/threads";
 * console.assert(SHAREABLE === Symbol.for("cc.shareable"));
 * console.assert(new Lock()[SHAREABLE]().name === "Lock"); // how a lock crosses to another thread
 * ```
 */
export const SHAREABLE: unique symbol = Symbol.for("cc.shareable") as never;

/** What a shareable object turns into at a boundary. */
export interface SharedHandle {
  /** `file:` URL of the module that exports the class. */
  readonly url: string;
  /** Export name of the class; it has a static `fromShared(state)`. */
  readonly name: string;
  /** Cloneable state, typically holding a `SharedArrayBuffer`. */
  readonly state: unknown;
}

/**
 * An object that can be passed to a task in another thread and arrive as the same kind of object.
 *
 * @example
 * ```ts
 * import { SHAREABLE, type Shareable, type SharedHandle } from "@cc/core";
 * class Counter implements Shareable {
 *   constructor(readonly cells: Int32Array = new Int32Array(new SharedArrayBuffer(4))) {}
 *   static fromShared(state: Int32Array): Counter { return new Counter(state); }
 *   [SHAREABLE](): SharedHandle { return { url: import.meta.url, name: "Counter", state: this.cells }; }
 * }
 * console.assert(new Counter()[SHAREABLE]().name === "Counter");
 * ```
 */
export interface Shareable {
  [SHAREABLE](): SharedHandle;
}

/**
 * True if `value` is a {@linkcode Shareable}.
 *
 * @example
 * ```ts
 * import { isShareable } from "@cc/core";
 * console.assert(!isShareable({}));
 * ```
 */
export function isShareable(value: unknown): value is Shareable {
  return typeof value === "object" && value !== null && typeof (value as Shareable)[SHAREABLE] === "function";
}
