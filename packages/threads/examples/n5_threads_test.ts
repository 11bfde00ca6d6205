import { describe, expect, it } from "vitest";
import { capture, hasTaskLinesOf, IDS, OUTPUTS } from "./_output.ts";
import { main, taskInFuture } from "./n5_threads.ts";

describe("examples/n5_threads", () => {
  it("main() prints each output from its future's done callback and returns the six outputs", async () => {
    const out = capture();
    try {
      expect(await main({ sleepMs: 10 })).toEqual(OUTPUTS);
    } finally {
      out.stop();
    }
    // the callbacks run in completion order, each with its own task's output
    expect([...out.main].sort()).toEqual(IDS.map((_, i) => `Task ${i + 1}: ${OUTPUTS[i]}`).sort());
    expect(hasTaskLinesOf(out.workers, IDS)).toBe(true);
  });

  it("taskInFuture() completes the future from a real thread", async () => {
    const out = capture();
    let calledWith: unknown;
    try {
      const future = taskInFuture(
        5,
        (f) => {
          calledWith = f;
        },
        0,
      );
      expect(future.running()).toBe(true);
      expect(await future).toBe(25);
      expect(calledWith).toBe(future);
    } finally {
      out.stop();
    }
  });
});
