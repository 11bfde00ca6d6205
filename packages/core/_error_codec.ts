// Errors crossing a thread or process boundary. Structured clone keeps only a few built-in error
// classes and drops own properties and custom classes, so errors are encoded by hand: class name,
// name, message, stack, cause chain, AggregateError's errors and cloneable own properties.
import { serialize } from "node:v8";
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

/** An error as it crosses a boundary. */
export interface EncodedError {
  readonly $ccError: 1;
  readonly cls: string;
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly cause?: unknown;
  readonly errors?: unknown[];
  readonly props?: Record<string, unknown>;
  /** Set for cc's own errors (branded), whose class is recreated by name. */
  readonly cc?: 1;
}

/** A thrown value that is not an Error (a string, a number, a plain object…). */
interface EncodedValue {
  readonly $ccThrown: 1;
  readonly value: unknown;
}

const BUILT_IN: Record<string, { prototype: Error }> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError: AggregateError,
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
  WorkerExitError: WorkerExitError,
  TaskLoadError: TaskLoadError,
  CloneError: CloneError,
  QueueFullError: QueueFullError,
};

const CC_BRAND = Symbol.for("cc.error");

const SKIP = new Set(["name", "message", "stack", "cause", "errors"]);

/**
 * True if `value` can cross both boundaries: `v8.serialize` (a child process's channel) refuses what
 * structured clone refuses and also a `SharedArrayBuffer`, so one check serves threads and processes.
 */
function cloneable(value: unknown): boolean {
  if (value === null || typeof value !== "object") return typeof value !== "function" && typeof value !== "symbol";
  try {
    serialize(value);
    return true;
  } catch {
    return false;
  }
}

/** Encodes any thrown value for a boundary. */
export function encodeError(error: unknown, depth = 0): EncodedError | EncodedValue {
  if (!(error instanceof Error) && !(typeof DOMException !== "undefined" && error instanceof DOMException)) {
    return { $ccThrown: 1, value: cloneable(error) ? error : String(error) };
  }
  const e = error as Error & { errors?: unknown[] };
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(e)) {
    if (SKIP.has(key)) continue;
    const v = (e as unknown as Record<string, unknown>)[key];
    if (cloneable(v)) (props ??= {})[key] = v;
  }
  const cls = e instanceof DOMException ? "DOMException" : (e.constructor?.name ?? "Error");
  const out: {
    -readonly [K in keyof EncodedError]: EncodedError[K];
  } = { $ccError: 1, cls, name: String(e.name), message: String(e.message), stack: e.stack };
  if ((e as unknown as Record<symbol, unknown>)[CC_BRAND] === true) out.cc = 1;
  if ("cause" in e && depth < 16) out.cause = encodeError(e.cause, depth + 1);
  if (Array.isArray(e.errors) && depth < 16) out.errors = e.errors.map((x) => encodeError(x, depth + 1));
  if (props) out.props = props;
  return out;
}

/** Rebuilds a thrown value encoded by {@linkcode encodeError}. */
export function decodeError(encoded: unknown): unknown {
  if (typeof encoded !== "object" || encoded === null) return encoded;
  if ((encoded as EncodedValue).$ccThrown === 1) return (encoded as EncodedValue).value;
  const enc = encoded as EncodedError;
  if (enc.$ccError !== 1) return encoded;
  let error: Error;
  if (enc.cls === "DOMException") {
    error = new DOMException(enc.message, enc.name) as unknown as Error;
  } else {
    const Known = Object.hasOwn(BUILT_IN, enc.cls)
      ? BUILT_IN[enc.cls]
      : enc.cc === 1 && Object.hasOwn(CC_OWN, enc.cls)
        ? CC_OWN[enc.cls]
        : undefined;
    if (Known) {
      error = Object.create(Known.prototype) as Error;
      Object.defineProperty(error, "message", { value: enc.message, writable: true, configurable: true });
      if (error.name !== enc.name) {
        Object.defineProperty(error, "name", { value: enc.name, writable: true, configurable: true });
      }
    } else {
      error = new RemoteError({ name: enc.name, message: enc.message, remoteClass: enc.cls });
    }
  }
  Object.defineProperty(error, "stack", { value: enc.stack, writable: true, configurable: true });
  if ("cause" in enc) {
    Object.defineProperty(error, "cause", { value: decodeError(enc.cause), writable: true, configurable: true });
  }
  if (enc.errors) {
    Object.defineProperty(error, "errors", { value: enc.errors.map(decodeError), writable: true, configurable: true });
  }
  if (enc.props) {
    for (const [key, value] of Object.entries(enc.props)) {
      Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: true });
    }
  }
  return error;
}
