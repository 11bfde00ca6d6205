// A pool used and never shut down must not keep Node alive; neither must one that was shut down.
import { task } from "@cc/core";
import { Pool, ProcessPoolExecutor } from "@cc/processes";

const square = task(new URL("./tasks.mjs", import.meta.url), "square");
const idle = new ProcessPoolExecutor({ maxWorkers: 2 });
console.log(`idle pool: ${await idle.submit(square, 12)}`);
const closed = new ProcessPoolExecutor({ maxWorkers: 2 });
const f = closed.submit(square, 13);
await closed.shutdown();
console.log(`shut down: ${f.resultNow()}`);
const pool = new Pool({ processes: 2 });
console.log(`Pool: ${await pool.map(square, [1, 2, 3])}`);
