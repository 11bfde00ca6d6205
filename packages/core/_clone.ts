// Finds the path of the first value that structured clone rejects. Runs only after a clone failed,
// never on the hot path.

/** Describes what kind of value could not be cloned. */
function kindOf(value: unknown): string {
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "object" && value !== null) {
    const name = (value as object).constructor?.name;
    return name ? `a ${name}` : "an object";
  }
  return typeof value;
}

/** How a transport copies values: `structuredClone` for threads, `v8.serialize` for child processes. */
export type CloneCheck = (value: unknown) => void;

function clonable(value: unknown, check: CloneCheck): boolean {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
}

const structuredCheck: CloneCheck = (value) => {
  structuredClone(value);
};

function keySegment(key: string | number): string {
  if (typeof key === "number") return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Returns the path (e.g. `args[0].callback`) and kind of the first value under `value` that cannot
 * be cloned, or `undefined` if it all clones.
 */
export function findUncloneable(
  value: unknown,
  path: string,
  check: CloneCheck = structuredCheck,
): { path: string; what: string } | undefined {
  const seen = new Set<object>();
  const walk = (v: unknown, p: string): { path: string; what: string } | undefined => {
    if (clonable(v, check)) return undefined;
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
        const found = walk(
          (v as Record<string, unknown>)[key],
          `${p}${keySegment(Array.isArray(v) ? Number(key) : key)}`,
        );
        if (found) return found;
      }
    }
    return { path: p, what: kindOf(v) };
  };
  return walk(value, path);
}
