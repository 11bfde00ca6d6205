// Task fixtures for map_parity_test.ts (the cases translated from CPython's and the peers' suites).
import { TimeoutError } from "@cc/core";

/** Integer division that throws on a zero divisor, as Python's `//` does. */
export function divide(a: number, b: number): number {
  if (b === 0) throw new RangeError("division by zero");
  return Math.floor(a / b);
}

/** Python's `divmod`. */
export function divmod(a: number, b: number): [number, number] {
  if (b === 0) throw new RangeError("division by zero");
  return [Math.floor(a / b), a % b];
}

export function pow(a: number, b: number): number {
  return a ** b;
}

export function abs(x: number): number {
  return Math.abs(x);
}

/** Counts its call in `counter[0]` (shared memory), and returns how many calls were counted so far. */
export function count(counter: Int32Array): number {
  return Atomics.add(counter, 0, 1) + 1;
}

/** Fails with a TimeoutError of its own (a deadline inside the task, not the map's). */
export function ownTimeout(label: string): never {
  throw new TimeoutError(`${label}: the task's own deadline passed`);
}

/** Waits until `latch[0]` is set, then returns `x`. */
export function held(latch: Int32Array, x: number): number {
  Atomics.wait(latch, 0, 0);
  return x;
}

/** `divide` after a turn of the event loop (an async task, run by a chunk one item after the other). */
export async function divideLater(a: number, b: number): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return divide(a, b);
}

export function noArgs(): number {
  return 42;
}
