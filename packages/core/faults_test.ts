// Faults of issue 12 on the engine's protocol side, over real worker threads and child processes:
// nothing a task does to its channel crashes the host or passes for a reply.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CancelledError, CloneError, spawnWorker, task, WorkerConnection, type WorkerKind } from "./mod.ts";
import type * as Fixtures from "./testdata/tasks.ts";

const fixtures = new URL("./testdata/tasks.ts", import.meta.url);
const t = <K extends keyof typeof Fixtures>(name: K) =>
  // biome-ignore lint/suspicious/noExplicitAny: fixtures have many shapes
  task<(typeof Fixtures)[K] extends (...a: any[]) => any ? (typeof Fixtures)[K] : never>(fixtures, name);

const open: WorkerConnection[] = [];
const dirs: string[] = [];
function connect(kind: WorkerKind): WorkerConnection {
  const c = new WorkerConnection(spawnWorker({ kind }));
  open.push(c);
  return c;
}
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cc-faults-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.terminate()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Resolves once `check` is true, looking again on each turn of the event loop (a latch, not a delay). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe("a child process that dropped its IPC channel", () => {
  it("aborting its task fails the call; nothing is thrown out of the abort listener", async () => {
    const dir = tempDir();
    const latch = join(dir, "disconnected");
    const release = join(dir, "release");
    const c = connect("process");
    const controller = new AbortController();
    const running = c.run(t("disconnectAndBlock"), [latch, release], { signal: controller.signal });
    await until(() => existsSync(latch));
    // the host has seen the channel close once a post fails (the child cannot exit yet: it is blocked)
    await until(() => {
      try {
        c.transport.post({ k: "pull", id: 0, n: 0 });
        return false;
      } catch {
        return true;
      }
    });
    controller.abort(new CancelledError("stop")); // threw "child process N is not connected" (uncaught)
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    writeFileSync(release, "");
    const exit = await c.whenExited;
    expect(exit.code).toBe(0);
  });
});

describe.each(["thread", "process"] as const)("over a %s", (kind) => {
  it("a result whose getter throws while it is copied fails that call, naming the path; the worker lives on", async () => {
    const c = connect(kind);
    const error = await c.run(t("returnsThrowingGetter"), []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloneError);
    expect(error).toMatchObject({ path: "result.nested.secret", taskName: "returnsThrowingGetter" });
    expect((error as Error).message).toMatch(/getter.*no copy for you/);
    expect(await c.run(t("square"), [9])).toBe(81);
    expect(c.exited).toBe(false);
  });

  it("a message task code posts on parentPort / process.send is never taken for a reply", async () => {
    const c = connect(kind);
    const controller = new AbortController();
    const other = c.run(t("waitForCancel"), [], { signal: controller.signal }); // id 1
    const forger = c.run(t("spoofReplies"), []); // id 2: forges replies to 1 to 4
    expect(await forger).toBe("real");
    expect(await c.run(t("square"), [3])).toBe(9); // id 3
    controller.abort(new CancelledError("stop"));
    await expect(other).rejects.toBeInstanceOf(CancelledError);
    expect(c.exited).toBe(false);
  });
});
