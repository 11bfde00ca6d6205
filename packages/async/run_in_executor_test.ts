import { task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { runInExecutor, type SubmitExecutor, toThread } from "./mod.ts";

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
