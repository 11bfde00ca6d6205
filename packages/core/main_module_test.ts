import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isMainModule } from "./mod.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

function runNode(args: string[]) {
  const result = spawnSync(process.execPath, args, { cwd: here, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("isMainModule()", () => {
  it("is false for a module imported by the test runner", () => {
    expect(isMainModule(import.meta)).toBe(false);
  });

  it("under tsx: runs main code once, and TypeScript tasks load in a thread and a process (compiled @cc/core)", () => {
    const { code, stdout, stderr } = runNode([tsxCli, "testdata/program.ts"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines.filter((l) => l === "module loaded (main)")).toHaveLength(1);
    expect(lines.filter((l) => l === "module loaded (worker)")).toHaveLength(2);
    expect(lines).toContain("thread: 144");
    expect(lines).toContain("process: 144");
  });

  it("compiled JavaScript with plain node: tasks load in a thread and a process without tsx", () => {
    const { code, stdout, stderr } = runNode(["testdata/program.mjs"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines.filter((l) => l === "module loaded (main)")).toHaveLength(1);
    expect(lines).toContain("thread: 144 27");
    expect(lines).toContain("process: 144 27");
  });

  it("an idle worker never keeps Node alive", () => {
    const { code, stdout, stderr } = runNode(["testdata/idle.mjs"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe("thread: 25\nprocess: 25\n");
  });
});
