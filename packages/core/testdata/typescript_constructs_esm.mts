// The same constructs reached from an `.mts` module, which adds its own (a generic class with a
// parameter property and a `satisfies` check).
import { constructs } from "./typescript_constructs.ts";

class Box<T> {
  constructor(readonly value: T) {}
}

export async function constructsFromMts(): Promise<Record<string, unknown>> {
  const box = new Box({ ...(await constructs()) } satisfies Record<string, unknown>);
  return box.value;
}
