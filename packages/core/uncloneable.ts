/**
 * Finding what cannot cross a boundary. A thread receives a structured clone; a child process
 * receives what `v8.serialize` writes, which refuses a `SharedArrayBuffer` and silently copies a typed
 * array on one. cc refuses shared memory on the way to a child process (a copy would break the
 * sharing the caller meant), and names the path of the first value that cannot cross.
 *
 * @module
 */

import { serialize } from "node:v8";
import { SHARED_MARKER } from "./_shared_marker.ts";
import { isShareable, SHAREABLE } from "./shareable.ts";

/** Throws if `value` cannot be copied across one kind of boundary. */
export type CloneCheck = (value: unknown) => void;

/** Where a value goes: a worker thread (structured clone) or a child process (`v8.serialize`). */
export type BoundaryKind = "thread" | "process";

/** What a check throws for a value that is itself shared memory. */
class SharedMemoryError extends TypeError {
  constructor(readonly what: string) {
    super(`${what} cannot reach a child process`);
  }
}

/** `name` with its indefinite article: "a Map", "an Int32Array". */
function withArticle(name: string): string {
  return `${/^[AEIOUaeiou]/.test(name) ? "an" : "a"} ${name}`;
}

/**
 * How a shared value is described, or `undefined` if `value` is not shared memory itself. `seen` is the
 * walk's set of visited objects, so a shareable whose state holds itself ends.
 */
function sharedKind(value: object, seen?: Set<object>): string | undefined {
  if (value instanceof SharedArrayBuffer) return "a SharedArrayBuffer";
  if (ArrayBuffer.isView(value)) {
    return value.buffer instanceof SharedArrayBuffer
      ? `${withArticle(value.constructor.name)} on a SharedArrayBuffer`
      : undefined;
  }
  // A shareable object (or its handle, as a connection sends it) is shared memory if its state holds
  // some, as cc's locks do; other shareables (a Process travelling to its child) are plain copies.
  let handle: unknown;
  let name: unknown;
  if (isShareable(value)) {
    try {
      handle = value[SHAREABLE]();
    } catch {
      return undefined; // it cannot describe itself: sending it reports that error
    }
    name = value.constructor?.name;
  } else if (SHARED_MARKER in value) {
    handle = (value as Record<string, unknown>)[SHARED_MARKER];
    name = typeof handle === "object" && handle !== null ? (handle as { name?: unknown }).name : undefined;
  }
  if (typeof handle === "object" && handle !== null && walkShared((handle as { state?: unknown }).state, seen)) {
    return `${withArticle(typeof name === "string" && name !== "" ? name : "shared object")} (cc's shared primitives work across threads only)`;
  }
  return undefined;
}

/**
 * True if shared memory is anywhere under `value`: a `SharedArrayBuffer`, a view on one, or one of
 * cc's shareable objects. Walks objects only; primitives cost a `typeof`.
 *
 * @example
 * ```ts
 * import { containsSharedMemory } from "@cc/core";
 * console.assert(containsSharedMemory({ cells: new Int32Array(new SharedArrayBuffer(8)) }));
 * console.assert(!containsSharedMemory({ bytes: new Uint8Array(8) }));
 * ```
 */
export function containsSharedMemory(value: unknown): boolean {
  return walkShared(value, undefined);
}

function walkShared(value: unknown, seen: Set<object> | undefined): boolean {
  if (typeof value !== "object" || value === null) return false;
  const walk = (v: object): boolean => {
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) {
      return sharedKind(v) !== undefined;
    }
    seen ??= new Set();
    if (seen.has(v)) return false;
    seen.add(v);
    if (sharedKind(v, seen) !== undefined) return true;
    if (v instanceof Map) {
      for (const [k, item] of v) {
        if (typeof k === "object" && k !== null && walk(k)) return true;
        if (typeof item === "object" && item !== null && walk(item)) return true;
      }
      return false;
    }
    if (v instanceof Set) {
      for (const item of v) if (typeof item === "object" && item !== null && walk(item)) return true;
      return false;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item === "object" && item !== null && walk(item)) return true;
      }
      return false;
    }
    for (const key of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[key];
      if (typeof item === "object" && item !== null && walk(item)) return true;
    }
    return false;
  };
  return walk(value);
}

const threadCheck: CloneCheck = (value) => {
  structuredClone(value);
};

const processCheck: CloneCheck = (value) => {
  if (typeof value === "object" && value !== null) {
    const what = sharedKind(value);
    if (what !== undefined) throw new SharedMemoryError(what);
    if (containsSharedMemory(value)) throw new TypeError("shared memory inside"); // the walk goes deeper
  }
  serialize(value);
};

/**
 * The check of one boundary kind: structured clone for a thread; for a child process, no shared
 * memory, then `v8.serialize`.
 *
 * @example
 * ```ts
 * import { cloneCheck } from "@cc/core";
 * cloneCheck("thread")(new Int32Array(new SharedArrayBuffer(4))); // fine: threads share it
 * let refused = false;
 * try { cloneCheck("process")(new Int32Array(new SharedArrayBuffer(4))); } catch { refused = true; }
 * console.assert(refused);
 * ```
 */
export function cloneCheck(kind: BoundaryKind): CloneCheck {
  if (kind === "thread") return threadCheck;
  if (kind === "process") return processCheck;
  throw new TypeError(`kind must be "thread" or "process", got ${JSON.stringify(kind)}`);
}

/** Describes what kind of value could not be cloned. */
function kindOf(value: unknown): string {
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "object" && value !== null) {
    const name = (value as object).constructor?.name;
    return name ? withArticle(name) : "an object";
  }
  return typeof value;
}

/** The error `check` throws for `value`, or `undefined` if it passes. */
function failure(value: unknown, check: CloneCheck): { error: unknown } | undefined {
  try {
    check(value);
    return undefined;
  } catch (error) {
    return { error };
  }
}

function keySegment(key: string | number): string {
  if (typeof key === "number") return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Returns the path (e.g. `args[0].callback`) and kind of the first value under `value` that cannot
 * cross the boundary `check` stands for (default: a thread's structured clone), or `undefined` if it
 * all can. It runs after a copy failed or before one that must not, never on the hot path.
 *
 * @example
 * ```ts
 * import { cloneCheck, findUncloneable } from "@cc/core";
 * const found = findUncloneable([{ id: 1, callback: () => 1 }], "args");
 * console.assert(found?.path === "args[0].callback" && found.what === "a function (callback)");
 * const shared = findUncloneable({ cells: new Int32Array(new SharedArrayBuffer(8)) }, "args", cloneCheck("process"));
 * console.assert(shared?.path === "args.cells" && shared.what === "an Int32Array on a SharedArrayBuffer");
 * ```
 */
export function findUncloneable(
  value: unknown,
  path: string,
  check: CloneCheck = threadCheck,
): { path: string; what: string } | undefined {
  const seen = new Set<object>();
  const walk = (v: unknown, p: string): { path: string; what: string } | undefined => {
    const failed = failure(v, check);
    if (failed === undefined) return undefined;
    const own = failed.error instanceof SharedMemoryError ? failed.error.what : undefined;
    if (own !== undefined) return { path: p, what: own };
    if (typeof v !== "object" || v === null) return { path: p, what: kindOf(v) };
    if (seen.has(v)) return undefined;
    seen.add(v);
    if (v instanceof Map) {
      let i = 0;
      for (const [k, item] of v) {
        const found =
          walk(k, `${p}.keys()[${i}]`) ?? walk(item, `${p}.get(${typeof k === "string" ? JSON.stringify(k) : i})`);
        if (found) return found;
        i++;
      }
    } else if (v instanceof Set) {
      let i = 0;
      for (const item of v) {
        const found = walk(item, `${p}.values()[${i++}]`);
        if (found) return found;
      }
    } else {
      for (const key of Object.keys(v)) {
        const at = `${p}${keySegment(Array.isArray(v) ? Number(key) : key)}`;
        let item: unknown;
        try {
          item = (v as Record<string, unknown>)[key];
        } catch (error) {
          // a getter that throws: the copy read it too, and failed there
          const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          return { path: at, what: `a getter that threw (${why})` };
        }
        const found = walk(item, at);
        if (found) return found;
      }
    }
    return { path: p, what: kindOf(v) };
  };
  return walk(value, path);
}
