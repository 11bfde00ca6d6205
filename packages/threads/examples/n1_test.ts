import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { capture, taskLines } from "./_output.ts";
import { main } from "./n1.ts";

describe("examples/n1", () => {
  it("main() starts one thread, joins it and returns its output", async () => {
    const out = capture();
    try {
      expect(await main({ sleepMs: 10 })).toBe(15129);
    } finally {
      out.stop();
    }
    expect(out.main).toEqual(["Initializing threads...", "Waiting threads...", "Threads has been finished"]);
    expect(out.workers).toEqual(taskLines(123));
  });

  it("runs as a program under tsx: the main code runs once, the task in the worker", () => {
    const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
    const program = fileURLToPath(new URL("./n1.ts", import.meta.url));
    const r = spawnSync(process.execPath, [tsxCli, program, "--sleep-ms", "10"], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      ["Initializing threads...", "Waiting threads...", ...taskLines(123), "Threads has been finished", ""].join("\n"),
    );
  });
});
