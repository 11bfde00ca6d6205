import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { capture, hasTaskLinesOf, IDS, OUTPUTS } from "./_output.ts";
import { MyTaskInThread, main } from "./n3.ts";

describe("examples/n3", () => {
  it("main() runs six subclass threads (the course's typo fixed) and reads t.output after join", async () => {
    const out = capture();
    try {
      expect(await main({ sleepMs: 10 })).toEqual(OUTPUTS);
    } finally {
      out.stop();
    }
    expect(out.main).toEqual([
      "Defining threads...",
      "Starting threads...",
      "Waiting threads...",
      "Threads is already finish",
      ...OUTPUTS.map(String),
    ]);
    expect(hasTaskLinesOf(out.workers, IDS)).toBe(true);
  });

  it("MyTaskInThread: output is undefined until the thread has run, then id ** 2", async () => {
    const t = new MyTaskInThread(7, 0);
    expect(t.output).toBeUndefined();
    const out = capture();
    try {
      t.start();
      await t.join();
    } finally {
      out.stop();
    }
    expect(t.output).toBe(49);
  });

  it("runs as a program under tsx: the workers import the module without running its main code", () => {
    const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
    const program = fileURLToPath(new URL("./n3.ts", import.meta.url));
    const r = spawnSync(process.execPath, [tsxCli, program, "--sleep-ms", "10"], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.filter((line) => line === "Defining threads...")).toHaveLength(1);
    expect(lines.slice(0, 3)).toEqual(["Defining threads...", "Starting threads...", "Waiting threads..."]);
    expect(lines.slice(-7)).toEqual(["Threads is already finish", ...OUTPUTS.map(String)]);
    expect(hasTaskLinesOf(lines.slice(3, -7), IDS)).toBe(true);
  });
});
