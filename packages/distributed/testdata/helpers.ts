// Helpers of the @cc/distributed tests: cc-worker child processes standing in for hosts, and latches.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The built cc-worker (the package's bin). */
export const CLI = join(here, "..", "dist", "cli.js");
/** The tests' task module. */
export const TASKS = join(here, "tasks.mjs");

/** The shared test Redis, or undefined (the tests skip, loudly: see redis_setup.ts). */
export const REDIS_URL = process.env.CC_REDIS_URL;

let counter = 0;
/** A queue name of its own for each test. */
export function freshQueue(): string {
  return `t${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/** A temporary folder for latch files. */
export function latchDir(): string {
  return mkdtempSync(join(tmpdir(), "cc-dist-"));
}

/** Resolves with the file's content once it exists (fs.watch on its folder, no polling). */
export function waitForFile(path: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const dir = dirname(path);
    const check = () => {
      if (!existsSync(path)) return false;
      const content = readFileSync(path, "utf8");
      if (content === "") return false;
      watcher.close();
      clearTimeout(timer);
      resolve(content);
      return true;
    };
    const watcher = watch(dir, () => void check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${path} did not appear within ${timeoutMs} ms`));
    }, timeoutMs);
    check();
  });
}

/** A cc-worker child process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when it printed its ready line. */
  readonly ready: Promise<void>;
  /** Resolves with its exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const live = new Set<ChildProcess>();
// a test process that ends (or a hook that times out) never leaves a cc-worker behind
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

/** Starts `cc-worker` with `args` (after --redis and --queue). */
export function startWorker(redis: string, queue: string, args: string[], cwd = here): WorkerProcess {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the package first (tsc -p tsconfig.build.json)`);
  const child = spawn(process.execPath, [CLI, "--redis", redis, "--queue", queue, ...args], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let out = "";
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk;
      if (out.includes("cc-worker ready")) resolve();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      out += chunk;
    });
    child.once("exit", (code) => reject(new Error(`cc-worker exited (${code}) before it was ready:\n${out}`)));
  });
  ready.catch(() => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, pid: child.pid!, ready, exited, output: () => out };
}

/** SIGKILLs every cc-worker still running (afterAll). */
export async function killWorkers(): Promise<void> {
  const waits = [...live].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r))));
  for (const c of live) c.kill("SIGKILL");
  await Promise.all(waits);
}
