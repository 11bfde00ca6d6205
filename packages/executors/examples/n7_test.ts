import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main as n7 } from "./n7.ts";
import { main as n8 } from "./n8.ts";

const SQUARES = [15129, 207936, 622521, 12321, 49284, 110889];

describe("seed n7 and n8 on ThreadPoolExecutor", () => {
  it("n7: six submits, wait, the results in submit order", async () => {
    expect(await n7({ sleepMs: 10 })).toEqual(SQUARES);
  });

  it("n8: one submit per input, then map, both in input order", async () => {
    process.env.CC_SLEEP_MS = "10";
    try {
      expect(await n8({ sleepMs: 10 })).toEqual({ outputs: SQUARES, mapped: SQUARES });
    } finally {
      delete process.env.CC_SLEEP_MS;
    }
  });

  it("n7 runs as a program under tsx: the main code runs once, the tasks print in the workers", () => {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const file = fileURLToPath(new URL("./n7.ts", import.meta.url));
    const r = spawnSync(process.execPath, [tsx, file], {
      encoding: "utf8",
      env: { ...process.env, CC_SLEEP_MS: "10" },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Error/);
    const lines = r.stdout.trim().split("\n");
    expect(lines.at(-1)).toBe(`[ ${SQUARES.join(", ")} ]`);
    for (const id of [123, 456, 789, 111, 222, 333]) expect(lines).toContain(`Task ${id} completed`);
    expect(lines.filter((l) => l.startsWith("["))).toHaveLength(1);
  });
});
