// Checks of the executors' numeric options, with errors that name the option.

/** Checks an integer ≥ `min` (or `Infinity` when allowed) for option `name`. */
export function checkCount(name: string, value: unknown, min: number, allowInfinity = false): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${typeof value} ${String(value)}`);
  if (allowInfinity && value === Number.POSITIVE_INFINITY) return value;
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/** Checks a number of milliseconds ≥ 0 for option `name`. */
export function checkMs(name: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number of milliseconds, got ${String(value)}`);
  }
  if (value < 0) throw new RangeError(`${name} must be ≥ 0 ms, got ${value}`);
  return value;
}
