// What a signal to the parent of busy child processes does to them: they never outlive their parent
// (the orphan watch of @cc/core's child runtime), and a terminal Ctrl-C (SIGINT to the whole process
// group) does not kill them before their parent has decided. Each test runs a real parent program
// (testdata/busy_parent.mjs, on the built packages) with a ProcessPoolExecutor, a Pool and a Process.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const PARENT = fileURLToPath(new URL("./testdata/busy_parent.mjs", import.meta.url));
const CHILDREN = 4; // 2 executor workers, 1 pool worker, 1 Process

interface Parent {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the parent and its children printed so far. */
  output(): string;
  /** Resolves once a line matching `pattern` has been printed `count` times; returns those lines. */
  lines(pattern: RegExp, count: number): Promise<string[]>;
  /** Resolves with how the parent ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Parent[] = [];
const childPids: number[] = [];

function startParent(mode: "endless" | "handled"): Parent {
  // detached: the parent leads a process group of its own, as a program started from a shell does
  const child = spawn(process.execPath, [PARENT, mode], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const parent: Parent = {
    child,
    pid: child.pid ?? -1,
    output: () => text,
    lines: (pattern, count) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = text.split("\n").filter((line) => pattern.test(line));
          if (found.length >= count) {
            waiters.delete(check);
            resolve(found);
          }
        };
        waiters.add(check);
        check();
        void exited.then(() => {
          if (waiters.delete(check)) reject(new Error(`the parent exited before ${count} × ${pattern}:\n${text}`));
        });
      }),
    exited,
  };
  started.push(parent);
  return parent;
}

/** True while `pid` runs (a zombie, which has ended but is not reaped yet, counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true; // no /proc: kill(pid, 0) is all there is
  }
}

/** Polls until none of `pids` runs; rejects, naming the live ones, after `ms`. */
async function allGone(pids: number[], ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const live = pids.filter(alive);
    if (live.length === 0) return;
    if (Date.now() > deadline) throw new Error(`still alive ${ms} ms later: ${live.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function busyChildren(parent: Parent): Promise<number[]> {
  const lines = await parent.lines(/^busy /, CHILDREN);
  const pids = lines.map((line) => Number(line.split(" ")[2]));
  childPids.push(...pids);
  expect(new Set(pids).size).toBe(CHILDREN);
  return pids;
}

afterEach(() => {
  // whatever a failed test left behind
  for (const p of started.splice(0)) {
    try {
      process.kill(-p.pid, "SIGKILL");
    } catch {}
  }
  for (const pid of childPids.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
});

describe("children of a parent that dies while they run CPU-bound tasks", () => {
  it.each([
    ["SIGKILL", "the parent's pid"],
    ["SIGTERM", "the parent's pid"],
    ["SIGINT", "the parent's pid"],
    ["SIGINT", "the process group (Ctrl-C on a terminal)"],
  ] as const)("%s to %s: every child (ProcessPoolExecutor, Pool, Process) is gone within ~1 s", async (name, to) => {
    const parent = startParent("endless");
    const pids = await busyChildren(parent);
    process.kill(to.startsWith("the process group") ? -parent.pid : parent.pid, name);
    expect(await parent.exited).toEqual({ code: null, signal: name });
    await allGone(pids);
  });

  it("process.exit() of the parent: every child is gone within ~1 s", async () => {
    const parent = startParent("endless");
    const pids = await busyChildren(parent);
    process.kill(parent.pid, "SIGUSR2"); // its handler calls process.exit(3)
    expect(await parent.exited).toEqual({ code: 3, signal: null });
    await allGone(pids);
  });
});

describe("Ctrl-C on a terminal (SIGINT to the process group) while children are busy", () => {
  it("leaves the decision to the parent: the children live on until it stops them, then it exits 130", async () => {
    const parent = startParent("handled");
    const pids = await busyChildren(parent);
    process.kill(-parent.pid, "SIGINT");
    expect(await parent.exited).toEqual({ code: 130, signal: null });
    const out = parent.output();
    // the executor's and the pool's tasks saw their own signal abort, and returned: they were alive
    expect(out.match(/^stopped (executor|pool) \d+$/gm)?.length).toBe(3);
    // the Process died of the parent's terminate() (SIGTERM, -15), not of the Ctrl-C (SIGINT, -2)
    expect(out).toContain("process exitCode -15");
    expect(out).toContain("executor broken false");
    await allGone(pids);
  });
});
