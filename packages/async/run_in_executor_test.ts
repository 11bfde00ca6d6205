import { CancelledError, TimeoutError, task } from "@cc/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deferred } from "./_util.ts";
import {
  createTask,
  ExceptionGroup,
  runInExecutor,
  runInExecutorWith,
  type SubmitExecutor,
  TaskGroup,
  timeout,
  toThread,
  toThreadWith,
  waitFor,
} from "./mod.ts";

const double = task<(x: number) => number>("/srv/tasks.js", "double");
const KEY = Symbol.for("cc.defaultThreadExecutor");
const registry = globalThis as Record<symbol, unknown>;

const inline: SubmitExecutor = {
  submit: (t, ...args) => Promise.resolve((t.name === "double" ? (args[0] as number) * 2 : undefined) as never),
};

afterEach(() => {
  delete registry[KEY];
});

describe("runInExecutor()", () => {
  it("submits the task with its arguments to any object with submit()", async () => {
    await expect(runInExecutor(inline, double, 21)).resolves.toBe(42);
  });

  it("rejects an object without submit()", async () => {
    await expect(runInExecutor({} as never, double, 1)).rejects.toThrow(TypeError);
  });

  it("passes on a synchronous throw from submit() as a rejection", async () => {
    const broken: SubmitExecutor = {
      submit: () => {
        throw new Error("shut down");
      },
    };
    await expect(runInExecutor(broken, double, 1)).rejects.toThrow("shut down");
  });
});

describe("toThread()", () => {
  it("says to import @cc/executors when no default thread executor is registered", async () => {
    await expect(toThread(double, 1)).rejects.toThrow('import "@cc/executors"');
  });

  it("uses the registered default thread executor", async () => {
    registry[KEY] = () => inline;
    await expect(toThread(double, 5)).resolves.toBe(10);
  });
});

/** An executor whose calls run until `finish()`, and whose `submitWith` calls end when their signal aborts. */
function workerLike() {
  const finish = deferred<string>();
  const submitted = deferred<AbortSignal | undefined>();
  const pool: SubmitExecutor = {
    submit: () => {
      submitted.resolve(undefined);
      return finish.promise as never;
    },
    submitWith: (_t, _args, { signal }) => {
      submitted.resolve(signal);
      return new Promise((resolve, reject) => {
        finish.promise.then(resolve as never);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    },
  };
  return { pool, submitted: submitted.promise, finish: () => finish.resolve("finished") };
}

async function ticks(n = 50): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

// Issue 17, "structured concurrency that reaches the workers": asyncio's run_in_executor leaves a cancelled
// call running in its thread; cc hands the awaiting task's cancellation to the task's signal in its worker.
describe("runInExecutor()/toThread() pass the awaiting task's cancellation on to the worker", () => {
  beforeEach(() => {
    registry[KEY] = () => inline; // as `import "@cc/executors"` does; it switches cancel scopes on
  });

  // The measured case, after test_taskgroups.py's "a failing child cancels its siblings".
  it("a TaskGroup that cancels its child aborts the signal of the call the child awaits", async () => {
    const { pool, submitted, finish } = workerLike();
    const boom = new Error("boom");
    const group = TaskGroup.run((tg) => {
      tg.createTask(() => runInExecutor(pool, double, 1));
      tg.createTask(async () => {
        await submitted;
        throw boom;
      });
    });
    const signal = await submitted;
    try {
      await ticks();
      expect(signal?.aborted).toBe(true);
      expect(signal?.reason).toBeInstanceOf(CancelledError);
    } finally {
      finish();
    }
    const error = await group.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExceptionGroup);
    expect((error as ExceptionGroup).errors).toEqual([boom]);
  });

  it("task.cancel() aborts the call the task awaits in toThread()", async () => {
    const { pool, submitted, finish } = workerLike();
    registry[KEY] = () => pool;
    const t = createTask(() => toThread(double, 1));
    const signal = await submitted;
    t.cancel();
    try {
      expect(signal?.aborted).toBe(true);
      await expect(t).rejects.toBeInstanceOf(CancelledError);
    } finally {
      finish();
    }
  });

  it("timeout() aborts the call with its TimeoutError", async () => {
    const { pool, submitted, finish } = workerLike();
    const p = timeout(5, () => runInExecutor(pool, double, 1));
    const signal = await submitted;
    try {
      await expect(p).rejects.toBeInstanceOf(TimeoutError);
      expect(signal?.reason).toBeInstanceOf(TimeoutError);
    } finally {
      finish();
    }
  });

  it("waitFor(fn) aborts the call at its time limit", async () => {
    const { pool, submitted, finish } = workerLike();
    registry[KEY] = () => pool;
    const p = waitFor(() => toThread(double, 1), 5);
    const signal = await submitted;
    try {
      await expect(p).rejects.toBeInstanceOf(TimeoutError);
      expect(signal?.aborted).toBe(true);
    } finally {
      finish();
    }
  });

  it("a deadline inside a task also ends with the task", async () => {
    const { pool, submitted, finish } = workerLike();
    const t = createTask(() => timeout(60_000, () => runInExecutor(pool, double, 1)));
    const signal = await submitted;
    t.cancel();
    try {
      expect(signal?.aborted).toBe(true);
      await expect(t).rejects.toBeInstanceOf(CancelledError);
    } finally {
      finish();
    }
  });

  it("outside any task it submits plainly, and an executor without submitWith still works", async () => {
    const { pool, submitted, finish } = workerLike();
    const p = runInExecutor(pool, double, 1);
    expect(await submitted).toBeUndefined();
    finish();
    await expect(p).resolves.toBe("finished");
    await expect(createTask(() => runInExecutor(inline, double, 4))).resolves.toBe(8);
  });
});

describe("runInExecutorWith()/toThreadWith(): a signal of its own and a hard stop", () => {
  beforeEach(() => {
    registry[KEY] = () => inline;
  });

  it("passes its own signal and abort: 'terminate' to submitWith", async () => {
    const seen: { signal?: AbortSignal; abort?: string }[] = [];
    const pool: SubmitExecutor = {
      submit: () => Promise.reject(new Error("not used")),
      submitWith: (_t, _args, options) => {
        seen.push(options);
        return new Promise((_, reject) =>
          options.signal?.addEventListener("abort", () => reject(options.signal?.reason), { once: true }),
        );
      },
    };
    const controller = new AbortController();
    const p = runInExecutorWith(pool, double, [1], { signal: controller.signal, abort: "terminate" });
    controller.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(seen).toHaveLength(1);
    expect(seen[0]?.abort).toBe("terminate");
  });

  it("joins its own signal with the enclosing task's: either cancels the call", async () => {
    const { pool, submitted, finish } = workerLike();
    const mine = new AbortController();
    const t = createTask(() => runInExecutorWith(pool, double, [1], { signal: mine.signal }));
    const signal = await submitted;
    try {
      expect(signal).not.toBe(mine.signal);
      t.cancel();
      expect(signal?.aborted).toBe(true);
      expect(mine.signal.aborted).toBe(false);
      await expect(t).rejects.toBeInstanceOf(CancelledError);
    } finally {
      finish();
    }
  });

  it("rejects options it cannot honour and bad arguments", async () => {
    await expect(runInExecutorWith(inline, double, [1], { abort: "terminate" })).rejects.toThrow("submitWith()");
    await expect(runInExecutorWith(inline, double, [1], { abort: "kill" as never })).rejects.toThrow('"kill"');
    await expect(runInExecutorWith(inline, double, 1 as never)).rejects.toThrow(TypeError);
    await expect(runInExecutorWith(inline, double, [4])).resolves.toBe(8);
  });

  it("toThreadWith() runs on the default thread executor with the options", async () => {
    const { pool, submitted, finish } = workerLike();
    registry[KEY] = () => pool;
    const controller = new AbortController();
    const p = toThreadWith(double, [1], { signal: controller.signal });
    expect(await submitted).toBe(controller.signal);
    controller.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    finish();
  });
});
