// A task that deliberately runs a pool of its own, from a module whose import has finished: allowed.
import { task } from "@cc/core";

export function square(x: number): number {
  return x * x;
}

export async function squaresInNestedPool(n: number): Promise<number[]> {
  const { ThreadPoolExecutor } = await import("@cc/executors");
  await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  const out: number[] = [];
  for await (const value of executor.map(
    task<typeof square>(import.meta.url, "square"),
    Array.from({ length: n }, (_, i) => i),
  ))
    out.push(value);
  return out;
}
