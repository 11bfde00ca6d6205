import { afterEach, describe, expect, it } from "vitest";
import { spawnWorker, TaskLoadError, task, WorkerConnection, type WorkerKind } from "./mod.ts";

const open: WorkerConnection[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.terminate()));
});

describe.each(["thread", "process"] as const)("a threads.js worker module over a %s", (kind: WorkerKind) => {
  it("serves the functions it exposes as cc tasks, without changes", async () => {
    const c = new WorkerConnection(spawnWorker({ kind }));
    open.push(c);
    const worker = new URL("./testdata/threadsjs_worker.mjs", import.meta.url);
    expect(await c.run(task(worker, "hashPassword"), ["secret", "salt"])).toBe("salt:terces");
    expect(await c.run(task(worker, "double"), [21])).toBe(42);
    const single = new URL("./testdata/threadsjs_function_worker.mjs", import.meta.url);
    expect(await c.run(task(single, "default"), [2, 3])).toBe(5);
    await expect(c.run(task(worker, "missing"), [])).rejects.toBeInstanceOf(TaskLoadError);
  });
});
