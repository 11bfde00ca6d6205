// A user's plain JavaScript program run with `node`: compiled @cc/core, JavaScript task module, no tsx.
import { isMainModule, spawnWorker, task, WorkerConnection } from "@cc/core";

export function cube(x) {
  return x * x * x;
}

console.log(`module loaded (${isMainModule(import.meta) ? "main" : "worker"})`);

if (isMainModule(import.meta)) {
  const square = task(new URL("./tasks.mjs", import.meta.url), "square");
  for (const kind of ["thread", "process"]) {
    const connection = new WorkerConnection(spawnWorker({ kind }));
    console.log(
      `${kind}: ${await connection.run(square, [12])} ${await connection.run(task(import.meta.url, "cube"), [3])}`,
    );
    await connection.close();
  }
}
