import { describe, expect, it } from "vitest";
import { capture, hasTaskLinesOf, IDS, OUTPUTS } from "./_output.ts";
import { main } from "./n2.ts";

describe("examples/n2", () => {
  it("main() joins six threads and collects their outputs (the course collects six Nones)", async () => {
    const out = capture();
    try {
      expect(await main({ sleepMs: 10 })).toEqual(OUTPUTS);
    } finally {
      out.stop();
    }
    expect(out.main).toEqual([
      "inputs: [123, 456, 789, 111, 222, 333]",
      "outputs: [15129, 207936, 622521, 12321, 49284, 110889]",
    ]);
    expect(hasTaskLinesOf(out.workers, IDS)).toBe(true);
  });
});
