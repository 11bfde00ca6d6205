import { describe, expect, it } from "vitest";
import { capture, hasTaskLinesOf, IDS, OUTPUTS } from "./_output.ts";
import { main } from "./n6_threads.ts";

describe("examples/n6_threads", () => {
  it("main() pairs each id with its own output (the course pairs ids with futures, all 333)", async () => {
    const out = capture();
    let pairs: [number, number][];
    try {
      pairs = await main({ sleepMs: 10 });
    } finally {
      out.stop();
    }
    // completion order varies from run to run; each pair is right
    expect([...pairs].sort((a, b) => a[0] - b[0])).toEqual(
      IDS.map((id, i) => [id, OUTPUTS[i]]).sort((a, b) => a[0]! - b[0]!),
    );
    expect(out.main).toEqual([`[${pairs.map(([id, output]) => `(${id}, ${output})`).join(", ")}]`]);
    expect(hasTaskLinesOf(out.workers, IDS)).toBe(true);
  });
});
