// A whole program without `isMainModule`, run as `node no_guard_program.mjs`: in Python it would raise
// the "bootstrapping phase" RuntimeError; in cc its task fails with BootstrapError and the program
// ends, with no child left behind. CC_GUARD_MODEL: "process" (ProcessPoolExecutor) or "thread".
import { task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";
import { ProcessPoolExecutor } from "@cc/processes";

export function square(x) {
  return x * x;
}

const executor =
  process.env.CC_GUARD_MODEL === "thread"
    ? new ThreadPoolExecutor({ maxWorkers: 2 })
    : new ProcessPoolExecutor({ maxWorkers: 2 });
try {
  console.log(await executor.submit(task(import.meta.url, "square"), 3));
} finally {
  await executor.shutdown();
}
