// Errors crossing a thread or process boundary. Structured clone keeps only a few built-in error
// classes and drops own properties and custom classes, so errors are encoded by hand: class name,
// name, message, stack, cause chain, AggregateError's errors and cloneable own properties.
import { serialize } from "node:v8";
import { reviveError } from "./revive_error.ts";

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
  const error = reviveError(enc);
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
