// The bootstrapping guard over child processes: a ProcessPoolExecutor, Pool or Process started by the
// top level of a module that a child is importing for a task fails that task with BootstrapError
// (Python's "bootstrapping phase" RuntimeError) instead of forking without end; a whole program
// without `isMainModule` ends with that error and leaves no child behind.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BootstrapError, TaskLoadError, task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { Pool, Process, ProcessPoolExecutor } from "./mod.ts";
import type * as T from "./testdata/no_guard.ts";

const url = new URL("./testdata/no_guard.ts", import.meta.url);
const square = task<typeof T.square>(url, "square");

function expectBootstrapError(error: unknown, what: string): void {
  expect(error).toBeInstanceOf(TaskLoadError);
  const cause = (error as TaskLoadError).cause as BootstrapError;
  expect(cause).toBeInstanceOf(BootstrapError);
  expect(cause.module).toBe(url.href);
  expect(cause.message).toContain(`${what} was started while a cc worker was still importing ${url.href}`);
  expect(cause.message).toContain("isMainModule(import.meta)");
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  delete process.env.CC_GUARD_MODEL;
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

describe("the bootstrapping guard in a child process", () => {
  it("fails a ProcessPoolExecutor's task whose module starts a ProcessPoolExecutor at its top level", async () => {
    process.env.CC_GUARD_MODEL = "executor";
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    cleanups.push(() => executor.shutdown({ wait: true, cancelFutures: true }));
    const error = await executor.submit(square, 4).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectBootstrapError(error, "a ProcessPoolExecutor");
    expect(executor.broken).toBeUndefined(); // a task that failed to load does not break the pool
  });

  it("fails a Pool's task whose module starts a Pool at its top level", async () => {
    process.env.CC_GUARD_MODEL = "pool";
    const pool = new Pool({ processes: 1 });
    cleanups.push(() => pool.terminate());
    const error = await pool.apply(square, [4]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectBootstrapError(error, "a Pool");
  });

  it("fails a Process whose target's module starts a Process at its top level", async () => {
    process.env.CC_GUARD_MODEL = "process";
    const child = new Process({ target: square, args: [4] });
    child.start();
    expect(await child.join()).toBeUndefined();
    expect(child.exitCode).toBe(1);
    expectBootstrapError(child.error, "a Process");
  });

  it.each(["process", "thread"])(
    "ends a whole program without isMainModule (%s pool) with the named error, leaving no child",
    (model) => {
      const mark = `cc-guard-${process.pid}-${model}-${Date.now()}`;
      const program = fileURLToPath(new URL("./testdata/no_guard_program.mjs", import.meta.url));
      const r = spawnSync(process.execPath, [program], {
        env: { ...process.env, CC_GUARD_MODEL: model, CC_GUARD_MARK: mark },
        encoding: "utf8",
        timeout: 60_000, // a fork bomb would run until this kills it
      });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("BootstrapError");
      expect(r.stderr).toContain("isMainModule(import.meta)");
      // every process that inherited the mark (the program's children) is gone
      const left = readdirSync("/proc").filter((pid) => {
        if (!/^\d+$/.test(pid)) return false;
        try {
          return readFileSync(`/proc/${pid}/environ`, "utf8").includes(`CC_GUARD_MARK=${mark}`);
        } catch {
          return false; // gone, or not ours to read
        }
      });
      expect(left).toEqual([]);
    },
  );
});
