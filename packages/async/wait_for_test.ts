import { CancelledError, TimeoutError } from "@cc/core";
import { describe, expect, it } from "vitest";
import { deferred } from "./_util.ts";
import { createTask, shield, sleep, waitFor } from "./mod.ts";

describe("waitFor() with a time limit of 0 or less (asyncio's test_waitfor.py)", () => {
  // test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
  it.each([0, -1])("times out at %s ms without starting a function", async (ms) => {
    let started = false;
    const p = waitFor(() => {
      started = true;
      return "ran";
    }, ms);
    await expect(p).rejects.toBeInstanceOf(TimeoutError);
    expect(started).toBe(false);
  });

  // The same for a task that has not started yet: it is cancelled and never runs.
  it("times out at 0 ms, cancelling a task that has not started, which then never runs", async () => {
    let started = false;
    const t = createTask(() => {
      started = true;
      return "ran";
    });
    await expect(waitFor(t, 0)).rejects.toBeInstanceOf(TimeoutError);
    await expect(t).rejects.toBeInstanceOf(CancelledError);
    expect(started).toBe(false);
  });

  // test_wait_for_timeout_less_then_0_or_0_future_done
  it("returns the result of an awaitable that is already done", async () => {
    await expect(waitFor(Promise.resolve("done"), 0)).resolves.toBe("done");
    const t = createTask(async () => "done");
    await t;
    await expect(waitFor(t, -1)).resolves.toBe("done");
    const failed = createTask(async () => {
      throw new Error("failed");
    });
    await failed.catch(() => {});
    await expect(waitFor(failed, 0)).rejects.toThrow("failed");
  });

  // test_wait_for_timeout_less_then_0_or_0: a running task is cancelled.
  it.each([0, -1])("cancels a running task at %s ms", async (ms) => {
    const started = deferred<void>();
    let running: boolean | undefined;
    const t = createTask(async (signal) => {
      running = true;
      started.resolve();
      try {
        await sleep(10_000, { signal });
      } finally {
        running = false;
      }
      return "done";
    });
    await started.promise;
    await expect(waitFor(t, ms)).rejects.toBeInstanceOf(TimeoutError);
    await expect(t).rejects.toBeInstanceOf(CancelledError);
    expect(running).toBe(false);
  });

  // WaitForShieldTests.test_zero_timeout: the shield times out, the task under it keeps running.
  it("times out at 0 ms on a shield and leaves the shielded task running", async () => {
    const gate = deferred<string>();
    const inner = createTask(() => gate.promise);
    await expect(waitFor(shield(inner), 0)).rejects.toBeInstanceOf(TimeoutError);
    expect(inner.cancelled()).toBe(false);
    gate.resolve("done");
    await expect(inner).resolves.toBe("done");
  });

  it("an outer signal that is already aborted wins over the time limit", async () => {
    const reason = new Error("outer");
    let started = false;
    const p = waitFor(
      () => {
        started = true;
      },
      0,
      { signal: AbortSignal.abort(reason) },
    );
    await expect(p).rejects.toBe(reason);
    expect(started).toBe(false);
  });
});
