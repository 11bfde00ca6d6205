// The built worker entry points are bundled into one file each (scripts/bundle-dist.mjs), with
// TypeScript support and threads.js compatibility kept apart and loaded on demand. These tests run
// against the build in dist/ (turbo builds before it tests), so the bundle itself is what is tested.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type * as Core from "./mod.ts";

const built = (await import(new URL("./dist/mod.js", import.meta.url).href)) as typeof Core;
const open: Core.WorkerConnection[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.terminate()));
});

describe("the bundled entries", () => {
  it("hold the runtime in one file and leave TypeScript and threads.js support to separate modules", () => {
    for (const entry of ["thread_entry.js", "process_entry.js"]) {
      const code = readFileSync(new URL(`./dist/${entry}`, import.meta.url), "utf8");
      expect(code).toContain("serveTasks");
      expect(code).not.toMatch(/from "\.\/runtime\.js"/);
      expect(code).toContain('import("./_threadsjs.js")');
      expect(code).toContain('import("./_typescript.js")');
      expect(code).not.toContain("function captureThreadsJsExpose");
      expect(code).not.toContain("function findTsx");
    }
  });
});

describe.each(["thread", "process"] as const)("the bundled %s entry", (kind) => {
  it("runs TypeScript tasks that use currentTask() from another copy of @cc/core", async () => {
    const c = new built.WorkerConnection(built.spawnWorker({ kind }));
    open.push(c);
    const tasks = new URL("./testdata/tasks.ts", import.meta.url);
    expect(await c.run(built.task(tasks, "square"), [7])).toBe(49);
    const seen: unknown[] = [];
    const result = await c.run(built.task(tasks, "withProgress"), [2], { onProgress: (v) => seen.push(v) });
    expect(result).toBe(2);
    expect(seen).toEqual([
      { done: 1, of: 2 },
      { done: 2, of: 2 },
    ]);
  });

  it("runs threads.js worker modules, loading the compatibility layer on demand", async () => {
    const c = new built.WorkerConnection(built.spawnWorker({ kind }));
    open.push(c);
    const worker = new URL("./testdata/threadsjs_worker.mjs", import.meta.url);
    expect(await c.run(built.task(worker, "double"), [21])).toBe(42);
    const single = new URL("./testdata/threadsjs_function_worker.mjs", import.meta.url);
    expect(await c.run(built.task(single, "default"), [2, 3])).toBe(5);
  });
});
