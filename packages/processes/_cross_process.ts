// What cannot cross a process boundary although it clones within a process: a SharedArrayBuffer (or a
// typed array or DataView on one) and cc's shared primitives (Lock, Event…, which live in one). Node's
// IPC refuses them when the message is written; finding them first fails only the call that holds one,
// with the path of the value, before anything is posted.
import { CloneError, isShareable, type Task } from "@cc/core";
import { Future } from "@cc/futures";

function segment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The path and kind of the first value under `value` that is shared memory, if any. */
export function findSharedMemory(value: unknown, path: string): { path: string; what: string } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const seen = new Set<object>();
  const walk = (v: object, p: string): { path: string; what: string } | undefined => {
    if (seen.has(v)) return undefined;
    seen.add(v);
    if (v instanceof SharedArrayBuffer) return { path: p, what: "a SharedArrayBuffer" };
    if (ArrayBuffer.isView(v)) {
      return v.buffer instanceof SharedArrayBuffer
        ? { path: p, what: `a ${v.constructor.name} on a SharedArrayBuffer` }
        : undefined;
    }
    if (v instanceof ArrayBuffer) return undefined;
    if (isShareable(v)) {
      return {
        path: p,
        what: `a ${v.constructor?.name ?? "shared"} (cc's shared primitives work across threads only)`,
      };
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item === "object" && item !== null) {
          const found = walk(item, `${p}[${i}]`);
          if (found) return found;
        }
      }
      return undefined;
    }
    if (v instanceof Map) {
      let i = 0;
      for (const [k, item] of v) {
        const found =
          (typeof k === "object" && k !== null ? walk(k, `${p}.keys()[${i}]`) : undefined) ??
          (typeof item === "object" && item !== null
            ? walk(item, `${p}.get(${typeof k === "string" ? JSON.stringify(k) : i})`)
            : undefined);
        if (found) return found;
        i++;
      }
      return undefined;
    }
    if (v instanceof Set) {
      let i = 0;
      for (const item of v) {
        const found = typeof item === "object" && item !== null ? walk(item, `${p}.values()[${i}]`) : undefined;
        if (found) return found;
        i++;
      }
      return undefined;
    }
    for (const key of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[key];
      if (typeof item === "object" && item !== null) {
        const found = walk(item, `${p}${segment(key)}`);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(value, path);
}

/**
 * The `CloneError` for the first argument that cannot reach a child process, or `undefined`.
 * `skip` (the executor is shut down or broken) leaves the error to the executor itself.
 */
export function checkProcessArgs(task: Task, args: unknown[], skip: boolean, chunk = false): CloneError | undefined {
  if (skip || typeof task !== "object" || task === null) return undefined;
  for (let i = 0; i < args.length; i++) {
    const found = chunk ? findSharedMemory(args[i], `items[${i}]`) : findSharedMemory(args[i], `args[${i}]`);
    if (found) return new CloneError(found.path, found.what, String(task.name));
  }
  return undefined;
}

/** A future that has already failed with `error`. */
export function failedFuture<T>(error: unknown): Future<T> {
  const future = new Future<T>();
  future.setException(error);
  return future;
}

function kindOf(value: unknown): string {
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "object" && value !== null) return `a ${(value as object).constructor?.name ?? "object"}`;
  return typeof value;
}

function clones(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path and kind of the first value under `value` that cannot reach a child process (structured
 * clone fails, or it is shared memory), if any. For checks off the hot path (`Process.start`).
 */
export function findUncloneable(value: unknown, path: string): { path: string; what: string } | undefined {
  const shared = findSharedMemory(value, path);
  if (shared) return shared;
  const seen = new Set<object>();
  const walk = (v: unknown, p: string): { path: string; what: string } | undefined => {
    if (clones(v)) return undefined;
    if (typeof v !== "object" || v === null) return { path: p, what: kindOf(v) };
    if (seen.has(v)) return undefined;
    seen.add(v);
    const entries: [string, unknown][] =
      v instanceof Map
        ? [...v].map(([k, item], i) => [`.get(${typeof k === "string" ? JSON.stringify(k) : i})`, item])
        : v instanceof Set
          ? [...v].map((item, i) => [`.values()[${i}]`, item])
          : Object.keys(v).map((k) => [Array.isArray(v) ? `[${k}]` : segment(k), (v as Record<string, unknown>)[k]]);
    for (const [key, item] of entries) {
      const found = walk(item, `${p}${key}`);
      if (found) return found;
    }
    return { path: p, what: kindOf(v) };
  };
  return walk(value, path);
}
