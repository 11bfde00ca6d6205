import { describe, expect, it } from "vitest";
import { run } from "./primitives_bench.ts";

describe("primitives_bench", () => {
  it("runs every measure and prints one rate per line", async () => {
    const lines: string[] = [];
    await run(30, (line) => lines.push(line));
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line).toMatch(/: +[\d,]+\/s/);
  });
});
