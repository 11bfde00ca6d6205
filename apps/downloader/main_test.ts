import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_IDS, main } from "./main.ts";
import { type RandomUserServer, startServer } from "./server.ts";

// The compiled CLI, built by turbo before the tests (`test` depends on `build`).
const CLI = fileURLToPath(new URL("./dist/main.js", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`Build the app first (pnpm run build): ${CLI} is missing`);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cc-cli-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("node dist/main.js", () => {
  it("downloads the course's six pictures as .jpg from a local server and prints a summary", async () => {
    const out = join(dir, "output");
    const run = await cli(["--out", out], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(DEFAULT_IDS.map((id) => `${id}.jpg`).sort());
    for (const file of files) {
      expect([...(await readFile(join(out, file))).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    }
    expect(run.stdout).toMatch(/local stand-in for randomuser\.me at http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toMatch(/Done: 6 files written to .*, 0 failed, \d+ ms/);
    for (const id of DEFAULT_IDS) expect(run.stdout).toContain(`ok    ${id} -> ${join(out, `${id}.jpg`)}`);
  });

  it("writes into ./output relative to the working folder by default", async () => {
    const run = await cli(["--ids", "1,2", "--model", "sequential"], dir);
    expect(run.code).toBe(0);
    expect((await readdir(join(dir, "output"))).sort()).toEqual(["1.jpg", "2.jpg"]);
    expect(run.stdout).toContain("(model sequential)");
  });

  it("downloads --count ids from --start", async () => {
    const run = await cli(["--count", "3", "--start", "40", "--out", "pics", "--concurrency", "2"], dir);
    expect(run.code).toBe(0);
    expect((await readdir(join(dir, "pics"))).sort()).toEqual(["40.jpg", "41.jpg", "42.jpg"]);
    expect(run.stdout).toContain("(model async, concurrency 2)");
  });

  it("prints nothing with --quiet when all goes well", async () => {
    const run = await cli(["--ids", "5", "--quiet", "--latency", "1"], dir);
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it.each([
    [["--concurrency", "0"], /--concurrency.*The concurrency must be an integer from 1 to 1024: received "0"/],
    [["--concurrency", "two"], /The concurrency must be an integer .* received "two"/],
    [["--ids", "abc"], /--ids.*Each id must be a non-negative integer.*received "abc"/],
    [["--ids", "1,-2"], /received "-2" in "1,-2"/],
    [["--count", "0"], /The count must be an integer from 1/],
    [["--count", "2", "--ids", "1"], /'--count <n>' cannot be used with option '--ids <list>'/],
    [["--model", "fibers"], /'fibers' is invalid\. Allowed choices are sequential, async, threads, processes, pool/],
    [["--base-url", "ftp://x"], /The base URL must be an http or https URL: received "ftp:\/\/x"/],
    [["--real", "--base-url", "http://127.0.0.1:1"], /cannot be used with/],
    [["--real", "--latency", "10"], /'--latency <ms>' cannot be used with option '--real'/],
    [["--nope"], /unknown option '--nope'/],
  ])("exits with code 2 and a clear message for %j", async (args, message) => {
    const run = await cli(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("--help");
    expect(existsSync(join(dir, "output"))).toBe(false);
  });

  it("lists the models in --help and exits 0", async () => {
    const run = await cli(["--help"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Models:\n\s+sequential\s+one download at a time/);
    expect(run.stdout).toMatch(/\n\s+async\s+concurrent downloads/);
  });
});

describe("node dist/main.js against a failing server", () => {
  let server: RandomUserServer;
  beforeEach(async () => {
    server = await startServer({ failSeeds: [456] });
  });
  afterEach(async () => {
    await server.close();
  });

  it.each(["sequential", "async"])(
    "--model %s exits 1, names the failed id and still writes the others",
    async (model) => {
      const run = await cli(["--base-url", server.url, "--model", model, "--out", "o"], dir);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/FAIL {2}456: The user service failed for id "456" \(status 500\): Uh oh/);
      expect(run.stdout).toMatch(/Done: 5 files written to o\/, 1 failed, \d+ ms/);
      expect((await readdir(join(dir, "o"))).sort()).toEqual(["111.jpg", "123.jpg", "222.jpg", "333.jpg", "789.jpg"]);
    },
  );

  it("with --quiet prints only the failure, on stderr", async () => {
    const run = await cli(["--base-url", server.url, "--quiet", "--out", "o"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: id 456: The user service failed for id "456"/);
  });
});

describe("main()", () => {
  function sink(isTTY = false) {
    let text = "";
    return {
      isTTY,
      write(s: string) {
        text += s;
        return true;
      },
      get text() {
        return text;
      },
    };
  }

  it("draws a progress bar on a terminal and prints the summary", async () => {
    const stdout = sink();
    const stderr = sink(true);
    const code = await main(["--ids", "1,2,3", "--out", join(dir, "o")], { stdout, stderr });
    expect(code).toBe(0);
    expect(stderr.text).toContain("3/3 | 0 failed");
    expect(stdout.text).not.toContain("ok    1");
    expect(stdout.text).toMatch(/Done: 3 files written/);
  });

  it("returns 130 when the signal aborts the run, leaving no partial file", async () => {
    const controller = new AbortController();
    const stdout = sink();
    const running = main(["--latency", "600000", "--out", join(dir, "o")], {
      stdout,
      stderr: sink(),
      signal: controller.signal,
    });
    controller.abort(new Error("Interrupted"));
    expect(await running).toBe(130);
    expect(stdout.text).toMatch(/0 files written.*6 failed/);
    expect(existsSync(join(dir, "o")) ? await readdir(join(dir, "o")) : []).toEqual([]);
  });
});
