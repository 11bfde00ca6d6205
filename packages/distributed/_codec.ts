// Values and errors as JSON, for BullMQ job data and results (Redis holds text). Plain JSON travels as
// is; what JSON cannot say is tagged `{ $cc: kind, v }`: undefined, bigint, NaN/±Infinity/-0, Date, Map,
// Set, RegExp, typed arrays and Buffers (base64, not BullMQ's 5× array of numbers), ArrayBuffer, and
// errors (class name, name, message, stack, cause, AggregateError's errors, own properties, as
// @cc/core's error codec keeps them). Functions and symbols cannot cross and fail with a CloneError
// naming their path. Decoding never runs code: tags map to a fixed set of constructors.
import { CloneError, RemoteError, reviveError } from "@cc/core";

const TAG = "$cc";

const CC_BRAND = Symbol.for("cc.error");
const SKIP = new Set(["name", "message", "stack", "cause", "errors"]);

type TypedArrayCtor = {
  new (buffer: ArrayBuffer, offset: number, length: number): ArrayBufferView;
  BYTES_PER_ELEMENT: number;
};
const TYPED: Record<string, TypedArrayCtor> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as unknown as Record<string, TypedArrayCtor>;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Encodes `value` into JSON-safe data; returns `value` itself when it is plain JSON already (no copy).
 * Throws a `CloneError` naming the path of a function or symbol.
 */
export function encodeValue(value: unknown, path = "value", seen?: Set<object>): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { [TAG]: "n", v: Object.is(value, -0) ? "-0" : String(value) };
    case "undefined":
      return { [TAG]: "u" };
    case "bigint":
      return { [TAG]: "b", v: value.toString() };
    case "function":
      throw new CloneError(path, `a function (${value.name || "anonymous"})`);
    case "symbol":
      throw new CloneError(path, `a symbol (${String(value)})`);
  }
  if (value === null) return null;
  const object = value as object;
  seen ??= new Set();
  if (seen.has(object)) throw new CloneError(path, "a circular reference");
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < object.length; i++) {
        const item = object[i];
        const enc = encodeValue(item, `${path}[${i}]`, seen);
        if (enc !== item && out === undefined) out = object.slice(0, i);
        if (out !== undefined) out.push(enc);
      }
      return out ?? object;
    }
    if (object instanceof Error || (typeof DOMException !== "undefined" && object instanceof DOMException)) {
      return { [TAG]: "e", v: encodeErrorFields(object as Error, 0) };
    }
    if (ArrayBuffer.isView(object)) {
      const bytes = Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString("base64");
      const kind = Buffer.isBuffer(object) ? "Buffer" : object.constructor.name;
      if (kind !== "Buffer" && !Object.hasOwn(TYPED, kind)) throw new CloneError(path, `a ${kind}`);
      return { [TAG]: "t", k: kind, v: bytes };
    }
    if (object instanceof ArrayBuffer) return { [TAG]: "ab", v: Buffer.from(object).toString("base64") };
    if (object instanceof Date) return { [TAG]: "d", v: object.getTime() };
    if (object instanceof RegExp) return { [TAG]: "r", v: object.source, f: object.flags };
    if (object instanceof Map) {
      const v: unknown[] = [];
      let i = 0;
      for (const [k, x] of object) {
        v.push([encodeValue(k, `${path}.<key ${i}>`, seen), encodeValue(x, `${path}.get(${i})`, seen)]);
        i++;
      }
      return { [TAG]: "m", v };
    }
    if (object instanceof Set) {
      const v: unknown[] = [];
      let i = 0;
      for (const x of object) v.push(encodeValue(x, `${path}.<item ${i++}>`, seen));
      return { [TAG]: "s", v };
    }
    if (!isPlainObject(object)) {
      const name = (object as { constructor?: { name?: string } }).constructor?.name ?? "object";
      if (typeof (object as { then?: unknown }).then === "function")
        throw new CloneError(path, `a ${name} (a promise)`);
      if (name === "WeakMap" || name === "WeakSet" || name === "WeakRef") throw new CloneError(path, `a ${name}`);
    }
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(object);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = (object as Record<string, unknown>)[key];
      const enc = encodeValue(item, `${path}.${key}`, seen);
      if ((enc !== item || key === TAG) && out === undefined) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = (object as Record<string, unknown>)[keys[j]!];
      }
      if (out !== undefined) out[key] = enc;
    }
    if (out !== undefined && Object.hasOwn(out, TAG)) return { [TAG]: "o", v: out };
    return out ?? (isPlainObject(object) ? object : { ...object });
  } finally {
    seen.delete(object);
  }
}

/** Rebuilds a value encoded by {@linkcode encodeValue}. */
export function decodeValue(data: unknown): unknown {
  if (data === null || typeof data !== "object") return data;
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const item = data[i];
      if (item !== null && typeof item === "object") data[i] = decodeValue(item);
    }
    return data;
  }
  const record = data as Record<string, unknown>;
  if (Object.hasOwn(record, TAG)) {
    const v = record.v;
    switch (record[TAG]) {
      case "o":
        return decodeObject(v as Record<string, unknown>);
      case "u":
        return undefined;
      case "n":
        return Number(v);
      case "b":
        return BigInt(v as string);
      case "d":
        return new Date(v as number);
      case "r":
        return new RegExp(v as string, record.f as string);
      case "m":
        return new Map((v as [unknown, unknown][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
      case "s":
        return new Set((v as unknown[]).map(decodeValue));
      case "ab": {
        const b = Buffer.from(v as string, "base64");
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      }
      case "t": {
        const b = Buffer.from(v as string, "base64");
        if (record.k === "Buffer") return b;
        const Ctor = Object.hasOwn(TYPED, record.k as string) ? TYPED[record.k as string] : undefined;
        if (!Ctor) throw new TypeError(`cannot decode a typed array of kind ${String(record.k)}`);
        const copy = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        return new Ctor(copy, 0, b.byteLength / Ctor.BYTES_PER_ELEMENT);
      }
      case "e":
        return decodeErrorFields(v as EncodedError);
      default:
        throw new TypeError(`cannot decode a value tagged ${String(record[TAG])}`);
    }
  }
  return decodeObject(record);
}

function decodeObject(record: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item !== null && typeof item === "object") {
      const dec = decodeValue(item);
      if (key === "__proto__") Object.defineProperty(record, key, { value: dec, enumerable: true, writable: true });
      else record[key] = dec;
    }
  }
  return record;
}

/** An error as JSON. */
export interface EncodedError {
  cls: string;
  name: string;
  message: string;
  stack?: string | undefined;
  cause?: unknown;
  errors?: unknown[];
  props?: Record<string, unknown>;
  cc?: 1;
}

function encodeErrorFields(e: Error & { errors?: unknown[] }, depth: number): EncodedError {
  const cls =
    typeof DOMException !== "undefined" && e instanceof DOMException
      ? "DOMException"
      : e instanceof RemoteError
        ? e.remoteClass
        : (e.constructor?.name ?? "Error");
  const out: EncodedError = { cls, name: String(e.name), message: String(e.message), stack: e.stack };
  if ((e as unknown as Record<symbol, unknown>)[CC_BRAND] === true) out.cc = 1;
  if ("cause" in e && depth < 16) out.cause = encodeThrown(e.cause, depth + 1);
  if (Array.isArray(e.errors) && depth < 16) out.errors = e.errors.map((x) => encodeThrown(x, depth + 1));
  for (const key of Object.keys(e)) {
    if (SKIP.has(key) || (e instanceof RemoteError && key === "remoteClass")) continue;
    try {
      const v = encodeValue((e as unknown as Record<string, unknown>)[key], key);
      (out.props ??= {})[key] = v;
    } catch {
      // a property that cannot cross (a function, a socket) is left out, as structured clone would
    }
  }
  return out;
}

/** Encodes any thrown value (an Error or anything else) as JSON. */
export function encodeThrown(error: unknown, depth = 0): unknown {
  if (error instanceof Error || (typeof DOMException !== "undefined" && error instanceof DOMException)) {
    return { [TAG]: "e", v: encodeErrorFields(error as Error, depth) };
  }
  try {
    return { [TAG]: "x", v: encodeValue(error) };
  } catch {
    return { [TAG]: "x", v: String(error) };
  }
}

/** Rebuilds a thrown value encoded by {@linkcode encodeThrown}. */
export function decodeThrown(data: unknown): unknown {
  const record = data as Record<string, unknown> | null;
  if (record !== null && typeof record === "object" && record[TAG] === "x") return decodeValue(record.v);
  return decodeValue(data);
}

function decodeErrorFields(enc: EncodedError): Error {
  const error = reviveError(enc);
  if ("cause" in enc) {
    Object.defineProperty(error, "cause", { value: decodeThrown(enc.cause), writable: true, configurable: true });
  }
  if (enc.errors) {
    Object.defineProperty(error, "errors", {
      value: enc.errors.map(decodeThrown),
      writable: true,
      configurable: true,
    });
  }
  if (enc.props) {
    for (const [key, value] of Object.entries(enc.props)) {
      Object.defineProperty(error, key, {
        value: decodeValue(value),
        writable: true,
        configurable: true,
        enumerable: true,
      });
    }
  }
  return error;
}
