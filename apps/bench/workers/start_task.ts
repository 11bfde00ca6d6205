// The task module of the worker-start benchmark (ts_start.mjs), in TypeScript that only a real
// transform loads (a parameter property and an enum), so the measure includes compiling it.
export enum Step {
  One = 1,
}

class Counter {
  constructor(readonly start: number) {}
  next(): number {
    return this.start + Step.One;
  }
}

export function ping(n: number): number {
  return new Counter(n).next();
}
