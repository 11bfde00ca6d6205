// Primitives inside values: a `ListProxy` stored in a `DictProxy`, a `Pipe` end put on a `Queue`, a
// `Queue` inside a `Process` subclass's field. A proxy keeps its handle out of its own enumerable
// properties (it would clone to `{}`), so on the way out it becomes `{ $ccPrimitive: handle }` and on
// the way in a proxy again. Values without a proxy (or a marker) are returned as they are, unwalked
// past the check.
import { SHAREABLE } from "@cc/core";
import { handleOf, isHandle, proxyOf } from "./_broker_client.ts";

const MARK = "$ccPrimitive";

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function walkable(value: unknown): value is object {
  return typeof value === "object" && value !== null && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer);
}

function isMarker(value: object): boolean {
  return isPlain(value) && MARK in value && isHandle((value as Record<string, unknown>)[MARK]);
}

/** Whether `hit` is true of something under `value` (objects, arrays, maps and sets). */
function contains(value: unknown, hit: (v: object) => boolean, seen = new Set<object>()): boolean {
  if (!walkable(value) || seen.has(value)) return false;
  if (hit(value)) return true;
  seen.add(value);
  if (Array.isArray(value)) return value.some((v) => contains(v, hit, seen));
  if (value instanceof Map) {
    for (const [k, v] of value) if (contains(k, hit, seen) || contains(v, hit, seen)) return true;
    return false;
  }
  if (value instanceof Set) {
    for (const v of value) if (contains(v, hit, seen)) return true;
    return false;
  }
  if (!isPlain(value)) return false;
  return Object.values(value).some((v) => contains(v, hit, seen));
}

/** A copy of `value` with `swap` applied where `hit` is true (cycles kept). */
function rebuild(
  value: unknown,
  hit: (v: object) => boolean,
  swap: (v: object) => unknown,
  done = new Map<object, unknown>(),
): unknown {
  if (!walkable(value)) return value;
  if (hit(value)) return swap(value);
  const again = done.get(value);
  if (again !== undefined) return again;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    done.set(value, out);
    for (const v of value) out.push(rebuild(v, hit, swap, done));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    done.set(value, out);
    for (const [k, v] of value) out.set(rebuild(k, hit, swap, done), rebuild(v, hit, swap, done));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    done.set(value, out);
    for (const v of value) out.add(rebuild(v, hit, swap, done));
    return out;
  }
  if (!isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  done.set(value, out);
  for (const [k, v] of Object.entries(value)) out[k] = rebuild(v, hit, swap, done);
  return out;
}

const isProxy = (v: object): boolean => handleOf(v) !== undefined;
const toMarker = (v: object): unknown => ({ [MARK]: (v as { [SHAREABLE](): { state: unknown } })[SHAREABLE]().state });
const toProxy = (v: object): unknown => proxyOf((v as Record<string, unknown>)[MARK] as never);

/** `value` with every primitive in it replaced by its marker (the same value if it holds none). */
export function encodeNested<T>(value: T): T {
  return contains(value, isProxy) ? (rebuild(value, isProxy, toMarker) as T) : value;
}

/** `value` with every marker in it replaced by its primitive (the same value if it holds none). */
export function decodeNested<T>(value: T): T {
  return contains(value, isMarker) ? (rebuild(value, isMarker, toProxy) as T) : value;
}

/** Whether a primitive sits *inside* one of `args` (not as an argument itself, which cc's runtime revives). */
export function hasNestedPrimitive(args: readonly unknown[]): boolean {
  return args.some((a) => !(walkable(a) && isProxy(a)) && contains(a, isProxy));
}
