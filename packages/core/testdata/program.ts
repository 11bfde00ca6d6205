// A user's TypeScript program run with `tsx`: it imports the compiled @cc/core (by package name) and
// keeps its task and its main code in one file, as the course's programs do.
import { isMainModule, spawnWorker, task, WorkerConnection } from "@cc/core";

export function square(x: number): number {
  return x * x;
}

console.log(`module loaded (${isMainModule(import.meta) ? "main" : "worker"})`);

if (isMainModule(import.meta)) {
  for (const kind of ["thread", "process"] as const) {
    const connection = new WorkerConnection(spawnWorker({ kind }));
    const result = await connection.run(task<typeof square>(import.meta.url, "square"), [12]);
    console.log(`${kind}: ${result}`);
    await connection.close();
  }
}
