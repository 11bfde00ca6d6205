import { describe, expect, it } from "vitest";
import { capture, hasTaskLinesOf, IDS, OUTPUTS } from "./_output.ts";
import { main } from "./n4.ts";

describe("examples/n4", () => {
  it("main() runs the subclass over the list and reads the outputs after every join", async () => {
    const out = capture();
    try {
      expect(await main({ sleepMs: 10 })).toEqual(OUTPUTS);
    } finally {
      out.stop();
    }
    expect(out.main).toEqual([
      "Defining threads...",
      "inputs: [123, 456, 789, 111, 222, 333]",
      "Starting threads...",
      "Waiting threads...",
      "Threads is already finish",
      "outputs: [15129, 207936, 622521, 12321, 49284, 110889]",
    ]);
    expect(hasTaskLinesOf(out.workers, IDS)).toBe(true);
  });
});
