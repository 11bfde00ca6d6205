import { execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
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

function cli(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const options = { cwd, timeout: 30_000, ...(env ? { env: { ...process.env, ...env } } : {}) };
    execFile(process.execPath, [CLI, ...args], options, (error, stdout, stderr) => {
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
    const run = await cli(["--model", "async", "--out", out], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(DEFAULT_IDS.map((id) => `${id}.jpg`).sort());
    for (const file of files) {
      expect([...(await readFile(join(out, file))).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    }
    expect(run.stdout).toMatch(/local stand-in for randomuser\.me at http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toMatch(/Done: 6 files written to .*, 0 failed, 0 retries, \d+ ms/);
    for (const id of DEFAULT_IDS) expect(run.stdout).toContain(`ok    ${id} -> ${join(out, `${id}.jpg`)}`);
  });

  it("writes into ./output relative to the working folder by default", async () => {
    const run = await cli(["--ids", "1,2", "--model", "sequential"], dir);
    expect(run.code).toBe(0);
    expect((await readdir(join(dir, "output"))).sort()).toEqual(["1.jpg", "2.jpg"]);
    expect(run.stdout).toContain("(model sequential)");
  });

  it("under `npm run demo`, resolves --out against the folder the user ran it from (INIT_CWD)", async () => {
    const user = join(dir, "user");
    const run = await cli(["--model", "async", "--ids", "3", "--out", "rel"], dir, {
      npm_lifecycle_event: "demo",
      INIT_CWD: user,
    });
    expect(run.code).toBe(0);
    expect(readdirSync(join(user, "rel"))).toEqual(["3.jpg"]);
    expect(existsSync(join(dir, "rel"))).toBe(false);
    expect(run.stdout).toContain(`ok    3 -> ${join("rel", "3.jpg")}`);
    // any other npm script (a test runner's, say) leaves the working folder alone
    const other = await cli(["--model", "async", "--ids", "4", "--out", "rel"], dir, {
      npm_lifecycle_event: "test",
      INIT_CWD: user,
    });
    expect(other.code).toBe(0);
    expect(readdirSync(join(dir, "rel"))).toEqual(["4.jpg"]);
  });

  it("downloads --count ids from --start", async () => {
    const run = await cli(
      ["--model", "async", "--count", "3", "--start", "40", "--out", "pics", "--concurrency", "2"],
      dir,
    );
    expect(run.code).toBe(0);
    expect((await readdir(join(dir, "pics"))).sort()).toEqual(["40.jpg", "41.jpg", "42.jpg"]);
    expect(run.stdout).toContain("(model async, concurrency 2)");
  });

  it("prints nothing with --quiet when all goes well", async () => {
    const run = await cli(["--model", "async", "--ids", "5", "--quiet", "--latency", "1"], dir);
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it.each([
    [["--concurrency", "0"], /--concurrency.*The concurrency must be an integer from 1 to 1024: received "0"/],
    [["--concurrency", "two"], /The concurrency must be an integer .* received "two"/],
    [["--ids", "abc"], /--ids.*Each id must be a non-negative integer.*received "abc"/],
    [["--ids", "1,-2"], /received "-2" in "1,-2"/],
    [["--count", "0"], /The count must be an integer from 1/],
    [["--count", "2", "--ids", "1"], /'--count <n>' cannot be used with option '--ids <list>'/],
    [
      ["--model", "fibers"],
      /'fibers' is invalid\. Allowed choices are sequential, thread, futures, threads, async, process, pool-map, pool, processes/,
    ],
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
      const run = await cli(["--base-url", server.url, "--model", model, "--out", "o", "--retries", "1"], dir);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        `FAIL  456: The user service answered 500 for id "456" at ${server.url}/api/?seed=456: Uh oh, something has gone wrong.`,
      );
      expect(run.stdout).toMatch(/Done: 5 files written to o\/, 1 failed, 1 retry, \d+ ms/);
      expect((await readdir(join(dir, "o"))).sort()).toEqual(["111.jpg", "123.jpg", "222.jpg", "333.jpg", "789.jpg"]);
    },
  );

  it("with --quiet prints only the failure, on stderr", async () => {
    const run = await cli(
      ["--model", "async", "--base-url", server.url, "--quiet", "--out", "o", "--retries", "0"],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: id 456: The user service answered 500 for id "456"/);
  });
});

describe("node dist/main.js on a network that fails", () => {
  const servers: RandomUserServer[] = [];
  async function serve(options: Parameters<typeof startServer>[0]): Promise<RandomUserServer> {
    const server = await startServer(options);
    servers.push(server);
    return server;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  /** The files in the output folder, temporary ones included. */
  const files = (out: string): string[] => (existsSync(out) ? readdirSync(out).sort() : []);

  it("--rate-limit: the local server's 429s are waited out (Retry-After) and every picture is written", async () => {
    const run = await cli(["--model", "async", "--rate-limit", "2", "--ids", "1,2,3,4", "--out", "o"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(files(join(dir, "o"))).toEqual(["1.jpg", "2.jpg", "3.jpg", "4.jpg"]);
    expect(run.stdout).toMatch(/Done: 4 files written to o\/, 0 failed, \d+ retr(y|ies), \d+ ms/);
  });

  it.each(["async", "threads", "processes"])(
    "--model %s gets through a 500 burst and counts the retries",
    async (model) => {
      const server = await serve({ failFirst: 2 });
      const run = await cli(
        ["--base-url", server.url, "--model", model, "--ids", "5", "--out", "o", "--concurrency", "1"],
        dir,
      );
      expect(run.code).toBe(0);
      expect(files(join(dir, "o"))).toEqual(["5.jpg"]);
      expect(run.stdout).toMatch(/Done: 1 file written to o\/, 0 failed, 2 retries, \d+ ms/);
    },
  );

  it("a dropped connection is retried; when every one drops, exits 1 naming the picture's URL, no partial file", async () => {
    const once = await serve({ dropFirst: 1 });
    const recovered = await cli(["--model", "async", "--base-url", once.url, "--ids", "6", "--out", "a"], dir);
    expect(recovered.code).toBe(0);
    expect(files(join(dir, "a"))).toEqual(["6.jpg"]);
    const always = await serve({ dropFirst: 1000 });
    const run = await cli(
      ["--model", "async", "--base-url", always.url, "--ids", "7", "--out", "b", "--retries", "1"],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL {2}7: The picture of id "7" was cut off: http:\/\/127\.0\.0\.1:\d+\/api\/portraits\/\w+\/\d+\.jpg \(gave up after 1 retry\)/,
    );
    expect(run.stdout).toMatch(/Done: 0 files written to b\/, 1 failed, 1 retry/);
    expect(files(join(dir, "b"))).toEqual([]);
  });

  it("--stall 1: an API that never answers times out per request and exits 1 naming the id and URL", async () => {
    const run = await cli(
      ["--model", "async", "--stall", "1", "--timeout", "200", "--retries", "1", "--ids", "8", "--out", "o"],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL {2}8: No answer from http:\/\/127\.0\.0\.1:\d+\/api\/\?seed=8 for id "8" within 200 ms \(gave up after 1 retry\)/,
    );
    expect(files(join(dir, "o"))).toEqual([]);
  });

  it("--fail-rate 1 fails every download after its retries, exit 1", async () => {
    const run = await cli(
      ["--model", "async", "--fail-rate", "1", "--retries", "0", "--ids", "9,10", "--out", "o"],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Done: 0 files written to o\/, 2 failed, 0 retries/);
    expect(files(join(dir, "o"))).toEqual([]);
  });

  it.each([
    [["--fail-rate", "2"], /The fail rate must be a number from 0 to 1: received "2"/],
    [["--stall", "x"], /The stall must be a number from 0 to 1/],
    [["--rate-limit", "-1"], /The rate limit must be a non-negative integer/],
    [["--timeout", "0"], /The timeout must be an integer from 1/],
    [["--real", "--stall", "0.5"], /'--stall <p>' cannot be used with option '--real'/],
  ])("exits 2 for %j", async (args, message) => {
    const run = await cli(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("--version prints the app's version and exits 0", async () => {
    const run = await cli(["--version"], dir);
    expect(run).toEqual({ code: 0, stdout: "0.0.0\n", stderr: "" });
  });
});

describe("node dist/main.js: the tour", () => {
  it("runs the chosen --models in turn on the same ids, then prints the table", async () => {
    const run = await cli(["--models", "futures,async", "--ids", "1,2", "--out", "o"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/into o\/ on 2 models in turn/);
    expect(run.stdout).toMatch(/^ {2}futures +2 written, 0 failed, 0 retries, \d+ ms$/m);
    expect(run.stdout).toMatch(/^model +wall time +files +bytes +failures +retries$/m);
    expect(run.stdout).toMatch(/^futures +\d+ ms +2 +[\d.]+ k?B +0 +0$/m);
    expect(run.stdout).toMatch(/^async +\d+ ms +2 +[\d.]+ k?B +0 +0$/m);
    expect(run.stdout).toMatch(/^Report: o\/report\.html /m);
    expect(run.stdout).toMatch(/^Done: 2 models, 0 failed, \d+ ms$/m);
    expect(readdirSync(join(dir, "o")).sort()).toEqual(["1.jpg", "2.jpg", "report.html"]);
    const html = await readFile(join(dir, "o", "report.html"), "utf8");
    expect(html.match(/<img /g)).toHaveLength(2);
    expect(html.match(/<g class="bar"/g)).toHaveLength(2);
  });

  it("--json prints the summary for machines, and nothing else on stdout", async () => {
    const run = await cli(["--models", "async,sequential", "--ids", "1,2,3", "--out", "o", "--json"], dir);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ ids: [1, 2, 3], outDir: "o", concurrency: 4, report: join("o", "report.html") });
    expect(summary.models.map((m: { model: string }) => m.model)).toEqual(["async", "sequential"]);
    const bytes = (await Promise.all(["1", "2", "3"].map((id) => readFile(join(dir, "o", `${id}.jpg`))))).reduce(
      (sum, b) => sum + b.byteLength,
      0,
    );
    for (const row of summary.models) {
      expect(row).toEqual({ model: row.model, wallMs: expect.any(Number), files: 3, bytes, failures: 0, retries: 0 });
    }
  });

  it("counts failures and retries per model, and exits 1", async () => {
    const server = await startServer({ failSeeds: [2] });
    try {
      const run = await cli(
        ["--base-url", server.url, "--models", "async,futures", "--ids", "1,2", "--retries", "1", "--json"],
        dir,
      );
      expect(run.code).toBe(1);
      const rows = JSON.parse(run.stdout).models;
      expect(
        rows.map((r: { failures: number; retries: number; files: number }) => [r.files, r.failures, r.retries]),
      ).toEqual([
        [1, 1, 1],
        [1, 1, 1],
      ]);
      expect(run.stderr).toMatch(
        /^error: async: id 2: The user service answered 500 for id "2" at .*\(gave up after 1 retry\)$/m,
      );
    } finally {
      await server.close();
    }
  });

  it.each([
    [["--models", "async,fibers"], /Unknown model "fibers" in "async,fibers"/],
    [["--models", "async", "--model", "threads"], /cannot be used with/],
  ])("exits 2 for %j", async (args, message) => {
    const run = await cli(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
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
    const code = await main(["--model", "async", "--ids", "1,2,3", "--out", join(dir, "o")], { stdout, stderr });
    expect(code).toBe(0);
    expect(stderr.text).toMatch(/3\/3 \| 0 failed \| \d+\.\d\/s \| \d+s \| ETA \d+s/);
    expect(stdout.text).not.toContain("ok    1");
    expect(stdout.text).toMatch(/Done: 3 files written/);
  });

  it("returns 130 when the signal aborts the run, leaving no partial file", async () => {
    const controller = new AbortController();
    const stdout = sink();
    const running = main(["--model", "async", "--latency", "600000", "--out", join(dir, "o")], {
      stdout,
      stderr: sink(),
      signal: controller.signal,
    });
    controller.abort(new Error("Interrupted"));
    expect(await running).toBe(130);
    expect(stdout.text).toMatch(/^Interrupted: 0 files written to .*, 6 not downloaded, 0 retries, \d+ ms\n$/m);
    expect(stdout.text).not.toContain("FAIL"); // one summary line, not one per download
    expect(existsSync(join(dir, "o")) ? await readdir(join(dir, "o")) : []).toEqual([]);
  });
});

/** The process ids whose parent is `pid` (Linux: from /proc). */
function childrenOf(pid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) pids.push(Number(entry));
    } catch {
      // it has just ended
    }
  }
  return pids;
}

/** True while `pid` runs (a zombie, ended but not reaped yet, counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Polls `condition` every 20 ms; rejects with `what` after `ms` (generous, for a loaded machine). */
async function until(condition: () => boolean, what: string | (() => string), ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${typeof what === "string" ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.runIf(process.platform === "linux")("interrupting node dist/main.js while pictures are half-written", () => {
  let server: RandomUserServer;
  beforeEach(async () => {
    // each picture sends its first part, then waits (for ever, in a test's time): a download mid-write
    server = await startServer({ trickle: 600_000 });
  });
  afterEach(async () => {
    await server.close();
  });

  const WAYS = [
    ["SIGINT to its pid", "SIGINT", false, 130],
    ["SIGINT to its process group (Ctrl-C on a terminal)", "SIGINT", true, 130],
    ["SIGTERM to its pid", "SIGTERM", false, 143],
  ] as const;
  const cases = [
    "sequential",
    "thread",
    "futures",
    "threads",
    "async",
    "process",
    "pool-map",
    "pool",
    "processes",
  ].flatMap((model) => WAYS.map(([way, name, group, code]) => [model, way, code, name, group] as const));

  it("the tour: Ctrl-C stops it in its first model, prints one summary line, exits 130, leaves no file", async () => {
    const out = join(dir, "o");
    const child = spawn(
      process.execPath,
      [CLI, "--base-url", server.url, "--models", "futures,async", "--ids", "1,2", "--out", out],
      { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const pid = child.pid as number;
    try {
      await until(
        () => existsSync(out) && readdirSync(out).filter((f) => f.endsWith(".tmp")).length >= 2,
        () => `2 temporary files in ${out}:\n${output}`,
      );
      process.kill(-pid, "SIGINT");
      expect(await exited, output).toBe(130);
      expect(readdirSync(out)).toEqual([]);
      const lines = output.trim().split("\n");
      expect(lines).toHaveLength(2); // "Downloading …" and the summary
      expect(lines[1]).toMatch(/^Interrupted: 0 files written to .*, 2 not downloaded, 0 retries, \d+ ms$/);
    } finally {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // it has ended, with its group
      }
    }
  });

  it.each(cases)(
    "--model %s, %s: exits %s, leaves no partial or temporary file and no child process",
    async (model, _way, code, name, group) => {
      const out = join(dir, "o");
      // detached: the CLI leads its own process group, as a program started from a shell does
      const child = spawn(
        process.execPath,
        [CLI, "--base-url", server.url, "--model", model, "--ids", "1,2", "--concurrency", "2", "--out", out],
        { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk));
      let ended: string | undefined;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (exitCode, signal) => {
          ended = `the CLI ended (code ${exitCode}, signal ${signal})`;
          resolve({ code: exitCode, signal });
        }),
      );
      const pid = child.pid as number;
      try {
        const writing = model === "sequential" ? 1 : 2;
        const temporary = (): string[] => (existsSync(out) ? readdirSync(out).filter((f) => f.endsWith(".tmp")) : []);
        await until(
          () => {
            if (ended) throw new Error(`${ended} before ${writing} temporary files appeared:\n${output}`);
            return temporary().length >= writing;
          },
          () => `${writing} temporary files in ${out}:\n${output}`,
        );
        const workers = childrenOf(pid);
        if (model === "processes" || model === "pool") expect(workers.length).toBeGreaterThanOrEqual(2);
        process.kill(group ? -pid : pid, name);
        expect(await exited, output).toEqual({ code, signal: null });
        expect(readdirSync(out)).toEqual([]);
        expect(output).toMatch(/^Interrupted: 0 files written to .*, 2 not downloaded, 0 retries, \d+ ms$/m);
        expect(output).not.toMatch(/FAIL|error:/); // one summary line, not one per download
        await until(() => !workers.some(alive), `the CLI's child processes ${workers.join(", ")} gone`, 5000);
      } finally {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // it has ended, with its group
        }
      }
    },
  );
});
