// The bootstrapping guard over worker threads: a pool started by the top level of a module that a
// worker is importing for a task fails that task with BootstrapError (Python's "bootstrapping phase"
// RuntimeError) instead of starting workers without end; a pool started inside a task still works.
import { BootstrapError, TaskLoadError, task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { ThreadPoolExecutor } from "./mod.ts";
import type * as N from "./testdata/nested_at_run_time.ts";
import type * as T from "./testdata/no_guard.ts";

const pools: ThreadPoolExecutor[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdown({ wait: true, cancelFutures: true })));
});

describe("ThreadPoolExecutor and the bootstrapping guard", () => {
  it("fails the task of a module whose top level starts a pool, naming the module and isMainModule", async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    pools.push(executor);
    const url = new URL("./testdata/no_guard.ts", import.meta.url);
    const error = await executor.submit(task<typeof T.square>(url, "square"), 4).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TaskLoadError);
    const cause = (error as TaskLoadError).cause;
    expect(cause).toBeInstanceOf(BootstrapError);
    expect((cause as BootstrapError).module).toBe(url.href);
    expect((cause as BootstrapError).message).toContain("a ThreadPoolExecutor was started while a cc worker");
    expect((cause as BootstrapError).message).toContain("isMainModule");
    // the worker that refused is fine: the next task of another module runs on it
    const nested = task<typeof N.square>(new URL("./testdata/nested_at_run_time.ts", import.meta.url), "square");
    expect(await executor.submit(nested, 5)).toBe(25);
  });

  it("lets a running task start a pool of its own", async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    pools.push(executor);
    const url = new URL("./testdata/nested_at_run_time.ts", import.meta.url);
    expect(await executor.submit(task<typeof N.squaresInNestedPool>(url, "squaresInNestedPool"), 4)).toEqual([
      0, 1, 4, 9,
    ]);
  });
});
