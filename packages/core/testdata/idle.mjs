// Starts a worker of each kind, uses it, and never closes it: the process must still exit by itself.
import { spawnWorker, task, WorkerConnection } from "@cc/core";

const square = task(new URL("./tasks.mjs", import.meta.url), "square");
for (const kind of ["thread", "process"]) {
  const connection = new WorkerConnection(spawnWorker({ kind }));
  console.log(`${kind}: ${await connection.run(square, [5])}`);
}
