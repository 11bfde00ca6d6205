// A pool used and never shut down must not keep Node alive; neither must one that was shut down.
// A started Process that is never joined does keep it alive until it ends (Python's non-daemon process).
import { task } from "@cc/core";
import { Pool, Process, ProcessPoolExecutor } from "@cc/processes";

const square = task(new URL("./tasks.mjs", import.meta.url), "square");
const idle = new ProcessPoolExecutor({ maxWorkers: 2 });
console.log(`idle pool: ${await idle.submit(square, 12)}`);
const closed = new ProcessPoolExecutor({ maxWorkers: 2 });
const f = closed.submit(square, 13);
await closed.shutdown();
console.log(`shut down: ${f.resultNow()}`);
const pool = new Pool({ processes: 2 });
console.log(`Pool: ${await pool.map(square, [1, 2, 3])}`);
new Process({
  target: task(new URL("./tasks.mjs", import.meta.url), "announce"),
  args: ["Process: never joined, still ran"],
}).start();
