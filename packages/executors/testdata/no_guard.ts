// A program that forgot `isMainModule`: its top level starts a pool, and runs again in every worker
// that imports the module for its task. cc refuses to start the pool there (BootstrapError).
import { task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";

export function square(x: number): number {
  return x * x;
}

await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
console.log(await executor.submit(task<typeof square>(import.meta.url, "square"), 3));
