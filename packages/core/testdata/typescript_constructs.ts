// Every TypeScript construct that Node's type stripping refuses or leaves untransformed, in one task
// module: a worker must load it on every supported Node (cc compiles it with tsx).

/** Parameter properties. */
export class Point {
  constructor(
    readonly x: number,
    private readonly y: number,
  ) {}
  sum(): number {
    return this.x + this.y;
  }
}

/** An enum (a runtime object). */
export enum Colour {
  Red = 1,
  Green = 2,
}

/** A namespace with a value in it. */
export namespace Geometry {
  export const unit = 10;
  export function scale(n: number): number {
    return n * unit;
  }
}

/** A standard (TC39) decorator and an `accessor` field. */
function logged<This, V>(
  target: ClassAccessorDecoratorTarget<This, V>,
  context: ClassAccessorDecoratorContext<This, V>,
) {
  return {
    get(this: This): V {
      return target.get.call(this);
    },
    set(this: This, value: V) {
      target.set.call(this, value);
    },
    init(value: V): V {
      seen.push(String(context.name));
      return value;
    },
  };
}
const seen: string[] = [];

class Counter {
  @logged accessor count = 0;
}

interface Settings {
  readonly name: string;
  readonly retries: number;
}

/** A generic function with a constraint. */
function first<T extends { length: number }>(items: readonly T[]): T | undefined {
  return items[0];
}

/** Runs each construct and reports what it gave. */
export async function constructs(): Promise<Record<string, unknown>> {
  const disposed: string[] = [];
  {
    await using _resource = {
      async [Symbol.asyncDispose]() {
        disposed.push("async");
      },
    };
    using _sync = {
      [Symbol.dispose]() {
        disposed.push("sync");
      },
    };
  }
  const counter = new Counter();
  counter.count += 2;
  const settings = { name: "cc", retries: 3 } satisfies Settings;
  return {
    parameterProperties: new Point(1, 2).sum(),
    enum: [Colour.Red, Colour[2]],
    namespace: Geometry.scale(3),
    awaitUsing: disposed,
    decoratorAccessor: [counter.count, seen.includes("count")],
    satisfies: settings.retries,
    generics: first(["ab", "c"]),
  };
}
