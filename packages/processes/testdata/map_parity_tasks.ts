// Task fixtures for map_parity_test.ts (loaded in child processes).

export function sqr(x: number): number {
  return x * x;
}

export function pow(a: number, b: number): number {
  return a ** b;
}

export function abs(x: number): number {
  return Math.abs(x);
}

/** Integer division that throws on a zero divisor, as Python's `//` does. */
export function divide(a: number, b: number): number {
  if (b === 0) throw new RangeError("division by zero");
  return Math.floor(a / b);
}
