// A TypeScript task module with syntax Node's type stripping refuses (an enum, a parameter property):
// cc-worker loads it with cc's TypeScript loader, in every --execute mode.
export enum Level {
  Low = 1,
  High = 2,
}

class Scaled {
  constructor(private readonly factor: number) {}
  apply(x: number): number {
    return x * this.factor;
  }
}

export function scale(x: number, level: Level): number {
  return new Scaled(level === Level.High ? 10 : 1).apply(x);
}
