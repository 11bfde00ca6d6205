// The bootstrapping guard over a Thread: a Thread started by the top level of a module that a worker
// is importing for a task fails that task with BootstrapError (Python's "bootstrapping phase"
// RuntimeError) instead of starting threads without end.
import { BootstrapError, TaskLoadError, task } from "@cc/core";
import { describe, expect, it } from "vitest";
import { Thread } from "./mod.ts";
import type * as T from "./testdata/no_guard.ts";

describe("Thread and the bootstrapping guard", () => {
  it("fails a thread whose target's module starts a Thread at its top level, naming the module and isMainModule", async () => {
    const url = new URL("./testdata/no_guard.ts", import.meta.url);
    const thread = new Thread({ target: task<typeof T.square>(url, "square"), args: [4] });
    thread.start();
    const error = await thread.join().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TaskLoadError);
    const cause = (error as TaskLoadError).cause as BootstrapError;
    expect(cause).toBeInstanceOf(BootstrapError);
    expect(cause.module).toBe(url.href);
    expect(cause.message).toContain(`a Thread was started while a cc worker was still importing ${url.href}`);
    expect(cause.message).toContain("isMainModule(import.meta)");
  });
});
