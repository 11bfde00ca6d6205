// A task that ignores its timeout cannot keep Node alive: after the default cancelGraceMs its thread is
// terminated, shutdown() resolves, and the program ends.
import { task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";

const spinForever = task(new URL("./tasks.mjs", import.meta.url), "spinForever");
const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
const error = await executor.submitWith(spinForever, [], { timeout: 100 }).exception();
console.log(`timed out: ${error?.name}`);
await executor.shutdown();
console.log("shut down");
