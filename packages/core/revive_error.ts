// Rebuilding an error on the far side of a boundary, from the fields it crossed as.
import {
  BootstrapError,
  BrokenExecutorError,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  CloneError,
  InvalidStateError,
  QueueFullError,
  RemoteError,
  TaskLoadError,
  TimeoutError,
  WorkerExitError,
} from "./errors.ts";

/** The fields {@linkcode reviveError} rebuilds an error from. */
export interface ErrorFields {
  /** The class's name (`error.constructor.name`; `"DOMException"` for one). */
  readonly cls: string;
  /** `error.name`. */
  readonly name: string;
  /** `error.message`. */
  readonly message: string;
  /** `error.stack`, kept as it was on the side that threw. */
  readonly stack?: string | undefined;
  /** `1` for an error of cc's own classes (they carry a brand), recreated by class name. */
  readonly cc?: 1 | undefined;
}

const BUILT_IN: Record<string, { prototype: Error }> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
};

/** cc's own classes: recreated only for errors that carry cc's brand (see errors.ts). */
const CC_OWN: Record<string, { prototype: Error }> = {
  BootstrapError,
  CancelledError,
  TimeoutError,
  InvalidStateError,
  BrokenExecutorError,
  BrokenThreadPool,
  BrokenProcessPool,
  WorkerExitError,
  TaskLoadError,
  CloneError,
  QueueFullError,
};

/**
 * Rebuilds an error from the fields it crossed a boundary as (a thread, a process, a machine): a
 * built-in class (`TypeError`…) or one of cc's own is recreated; any other class becomes a
 * {@linkcode RemoteError} that keeps its name, message and class name. The stack is the thrower's.
 * Cause, `errors` and own properties are the caller's to add. Used by cc's codecs; for transports of
 * your own.
 *
 * @example
 * ```ts
 * import { RemoteError, reviveError } from "@cc/core";
 * const e = reviveError({ cls: "TypeError", name: "TypeError", message: "bad", stack: "TypeError: bad" });
 * console.assert(e instanceof TypeError && e.message === "bad");
 * const custom = reviveError({ cls: "HttpError", name: "HttpError", message: "404" });
 * console.assert(custom instanceof RemoteError && custom.name === "HttpError");
 * ```
 */
export function reviveError(fields: ErrorFields): Error {
  let error: Error;
  if (fields.cls === "DOMException") {
    error = new DOMException(fields.message, fields.name) as unknown as Error;
  } else {
    const Known = Object.hasOwn(BUILT_IN, fields.cls)
      ? BUILT_IN[fields.cls]
      : fields.cc === 1 && Object.hasOwn(CC_OWN, fields.cls)
        ? CC_OWN[fields.cls]
        : undefined;
    if (Known) {
      error = Object.create(Known.prototype) as Error;
      Object.defineProperty(error, "message", { value: fields.message, writable: true, configurable: true });
      if (error.name !== fields.name) {
        Object.defineProperty(error, "name", { value: fields.name, writable: true, configurable: true });
      }
    } else {
      error = new RemoteError({ name: fields.name, message: fields.message, remoteClass: fields.cls });
    }
  }
  Object.defineProperty(error, "stack", { value: fields.stack, writable: true, configurable: true });
  return error;
}
