// A parent whose children are busy: a ProcessPoolExecutor of 2, a Pool of 1 and a Process, each child
// running a CPU-bound task. `node busy_parent.mjs endless`: the tasks never yield, and the parent has no
// signal handler (it dies of SIGINT/SIGTERM/SIGKILL). `node busy_parent.mjs handled`: the tasks yield
// now and then, and on SIGINT the parent decides — it aborts the executor's and the pool's calls,
// terminates the Process, prints how each ended, and exits 130.
import { task } from "@cc/core";
import { Pool, Process, ProcessPoolExecutor } from "@cc/processes";

const mode = process.argv[2] ?? "endless";
const busy = new URL("./busy.mjs", import.meta.url);
const spin = task(busy, mode === "handled" ? "spinUntilAborted" : "spin");
const controller = new AbortController();
const { signal } = controller;
const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
const futures = [
  executor.submitWith(spin, ["executor"], { signal }),
  executor.submitWith(spin, ["executor"], { signal }),
];
const pool = new Pool({ processes: 1 });
const call = pool.applyAsync(spin, ["pool"], { signal });
const child = new Process({ target: spin, args: ["process"] });
child.start();
for (const f of futures) f.catch(() => {});
call.future.catch(() => {});
console.log(`parent ${process.pid}`);
// SIGUSR2: the parent exits on its own (process.exit) while its children are busy
process.on("SIGUSR2", () => process.exit(3));

if (mode === "handled") {
  process.once("SIGINT", async () => {
    controller.abort(new Error("Interrupted"));
    child.terminate();
    await child.join();
    await executor.shutdown({ wait: true });
    pool.close();
    await pool.join();
    console.log(`process exitCode ${child.exitCode}`);
    console.log(`executor broken ${executor.broken !== undefined}`);
    process.exitCode = 130;
  });
}
