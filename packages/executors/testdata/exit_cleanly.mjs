// A pool used and never shut down must not keep Node alive; neither must one that was shut down.
import { task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";

const square = task(new URL("./tasks.mjs", import.meta.url), "square");
const idle = new ThreadPoolExecutor({ maxWorkers: 2 });
console.log(`idle pool: ${await idle.submit(square, 12)}`);
const spinning = new ThreadPoolExecutor({ maxWorkers: 2, spinMs: 1 });
console.log(`idle low-latency pool: ${await spinning.submit(square, 11)}`);
const closed = new ThreadPoolExecutor({ maxWorkers: 2 });
const f = closed.submit(square, 13);
await closed.shutdown();
console.log(`shut down: ${f.resultNow()}`);
