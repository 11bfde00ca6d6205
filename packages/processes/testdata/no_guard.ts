// Modules that forgot `isMainModule`: their top level starts a ProcessPoolExecutor, a Pool or a
// Process (chosen by CC_GUARD_MODEL) and runs again in every child that imports the module for its
// task. cc refuses to start them there (BootstrapError).
import { task } from "@cc/core";
import { Pool, Process, ProcessPoolExecutor } from "@cc/processes";

export function square(x: number): number {
  return x * x;
}

const model = process.env.CC_GUARD_MODEL ?? "executor";
if (model === "executor") {
  await using executor = new ProcessPoolExecutor({ maxWorkers: 1 });
  console.log(await executor.submit(task<typeof square>(import.meta.url, "square"), 3));
} else if (model === "pool") {
  const pool = new Pool({ processes: 1 });
  console.log(await pool.apply(task<typeof square>(import.meta.url, "square"), [3]));
  await pool.close();
} else {
  const child = new Process({ target: task<typeof square>(import.meta.url, "square"), args: [3] });
  await child.start();
  await child.join();
}
