/**
 * `ExceptionGroup`: Python's exception group, as an `AggregateError`.
 *
 * @module
 */

/**
 * Several errors raised together, e.g. by the failing tasks of a {@linkcode TaskGroup}
 * (Python's `ExceptionGroup`). It is an `AggregateError`: the errors are in `errors`
 * (also readable as Python's `exceptions`), in the order they happened.
 *
 * @example
 * ```ts
 * import { ExceptionGroup } from "@cc/async";
 * const eg = new ExceptionGroup("two failures", [new Error("a"), new TypeError("b")]);
 * console.assert(eg instanceof AggregateError && eg.name === "ExceptionGroup" && eg.errors.length === 2);
 * ```
 */
export class ExceptionGroup extends AggregateError {
  override name = "ExceptionGroup";
  constructor(message: string, errors: Iterable<unknown>, options?: ErrorOptions) {
    const list = [...errors];
    super(list, `${message} (${list.length} sub-exception${list.length === 1 ? "" : "s"})`, options);
  }

  /**
   * The errors (Python's name for `errors`).
   *
   * @example
   * ```ts
   * import { ExceptionGroup } from "@cc/async";
   * const group = new ExceptionGroup("two failed", [new Error("a"), new TypeError("b")]);
   * console.assert(group.exceptions.length === 2);
   * ```
   */
  get exceptions(): unknown[] {
    return this.errors;
  }

  /**
   * The errors for which `predicate` is true, as a new group, or `undefined` if none
   * (Python's `subgroup`, one level deep).
   *
   * @example
   * ```ts
   * import { ExceptionGroup } from "@cc/async";
   * const group = new ExceptionGroup("two failed", [new Error("a"), new TypeError("b")]);
   * console.assert(group.subgroup((e) => e instanceof TypeError)?.exceptions.length === 1);
   * console.assert(group.subgroup(() => false) === undefined);
   * ```
   */
  subgroup(predicate: (error: unknown) => boolean): ExceptionGroup | undefined {
    const picked = this.errors.filter(predicate);
    return picked.length === 0
      ? undefined
      : new ExceptionGroup(this.message.replace(/ \(\d+ sub-exceptions?\)$/, ""), picked);
  }
}
