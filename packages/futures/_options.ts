// Private helpers shared by future.ts, wait.ts and as_completed.ts: argument checks.

/**
 * Checks a `timeout` option (milliseconds): `undefined`, `null` and `Infinity` mean "no timeout".
 * Returns the timeout as a finite number, or `undefined` for none.
 */
export function checkTimeout(timeout: number | null | undefined, where: string): number | undefined {
  if (timeout === undefined || timeout === null || timeout === Number.POSITIVE_INFINITY) return undefined;
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(
      `Cannot call ${where} as 'timeout' must be a non-negative number of milliseconds: received ${quote(timeout)}`,
    );
  }
  return timeout;
}

/** Checks a `signal` option. */
export function checkSignal(signal: AbortSignal | null | undefined, where: string): AbortSignal | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError(`Cannot call ${where} as 'signal' must be an AbortSignal: received ${quote(signal)}`);
  }
  return signal;
}

/** A short, quoted description of a value for error messages. */
export function quote(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  if (typeof value === "function") return `function "${value.name}"`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (value === null || typeof value !== "object") return `'${String(value)}'`;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name ? `a ${name}` : "an object";
}
