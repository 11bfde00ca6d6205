import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CancelledError,
  CloneError,
  RemoteError,
  spawnWorker,
  TaskLoadError,
  task,
  WorkerConnection,
  WorkerExitError,
  type WorkerKind,
} from "./mod.ts";
import type * as Fixtures from "./testdata/tasks.ts";

const fixtures = new URL("./testdata/tasks.ts", import.meta.url);
const t = <K extends keyof typeof Fixtures>(name: K) =>
  // biome-ignore lint/suspicious/noExplicitAny: fixtures have many shapes
  task<(typeof Fixtures)[K] extends (...a: any[]) => any ? (typeof Fixtures)[K] : never>(fixtures, name);

const open: WorkerConnection[] = [];
function connect(kind: WorkerKind, options: Parameters<typeof spawnWorker>[0] = {}): WorkerConnection {
  const c = new WorkerConnection(spawnWorker({ kind, ...options }));
  open.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.terminate()));
});

describe.each(["thread", "process"] as const)("WorkerConnection over a %s", (kind) => {
  it("runs a TypeScript task and returns its result", async () => {
    const c = connect(kind);
    expect(await c.run(t("square"), [12])).toBe(144);
    expect(await c.run(t("add"), [2, 3])).toBe(5);
  });

  it("runs calls made in one tick together and keeps each result with its call", async () => {
    const c = connect(kind);
    const inputs = Array.from({ length: 200 }, (_, i) => i);
    const results = await Promise.all(inputs.map((x) => c.run(t(x % 2 ? "square" : "slowSquare"), [x])));
    expect(results).toEqual(inputs.map((x) => x * x));
    expect(c.inFlight).toBe(0);
  });

  it("keeps class, message, stack, cause and own properties of a thrown error", async () => {
    const c = connect(kind);
    const error = await c.run(t("fail"), ["custom"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      name: "ValidationError",
      message: "bad id",
      field: "id",
      remoteClass: "ValidationError",
    });
    expect((error as Error).stack).toContain("tasks.ts");
    expect((error as Error).cause).toBeInstanceOf(RangeError);
    expect(((error as Error).cause as Error).message).toBe("id < 0");
    const typeError = await c.run(t("fail"), ["type"]).catch((e: unknown) => e);
    expect(typeError).toBeInstanceOf(TypeError);
    await expect(c.run(t("fail"), ["string"])).rejects.toBe("plain string");
    await expect(c.run(t("failAsync"), ["later"])).rejects.toThrow("later");
    expect(await c.run(t("square"), [3])).toBe(9);
  });

  it("names the task when the module lacks the export, and the worker survives", async () => {
    const c = connect(kind);
    const error = await c.run(task(fixtures, "nope"), []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskLoadError);
    expect((error as Error).message).toMatch(
      /Cannot load task "nope" from file:.*tasks\.ts: the module has no export named "nope" \(it exports: /,
    );
    expect(await c.run(t("square"), [4])).toBe(16);
  });

  it("rejects an export that is not a function", async () => {
    const c = connect(kind);
    await expect(c.run(task(fixtures, "notAFunction"), [])).rejects.toThrow(
      /its export "notAFunction" is number 42, not a function/,
    );
  });

  it("reports a module that fails to import, with the import error as cause", async () => {
    const c = connect(kind);
    const error = await c
      .run(task(new URL("./testdata/throws_on_import.ts", import.meta.url), "x"), [])
      .catch((e) => e);
    expect(error).toBeInstanceOf(TaskLoadError);
    expect((error as Error).message).toContain("this module refuses to load");
    expect(((error as Error).cause as Error).message).toBe("this module refuses to load");
    const missing = await c.run(task(new URL("./testdata/missing.ts", import.meta.url), "x"), []).catch((e) => e);
    expect(missing).toBeInstanceOf(TaskLoadError);
    expect(await c.run(t("square"), [5])).toBe(25);
  });

  it("fails a call whose argument cannot be cloned, naming the path, and runs the others", async () => {
    const c = connect(kind);
    const bad = c.run(t("echo"), [{ id: 1, callback: () => 1 }]);
    const good = c.run(t("square"), [6]);
    const error = await bad.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloneError);
    expect(error).toMatchObject({ path: "args[0].callback" });
    expect((error as Error).message).toContain('(task "echo")');
    expect(await good).toBe(36);
  });

  it("fails a call whose result cannot be cloned, naming the path, and the worker survives", async () => {
    const c = connect(kind);
    const error = await c.run(t("returnsFunction"), []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloneError);
    expect(error).toMatchObject({ path: "result.handle" });
    expect((error as Error).message).toContain('(task "returnsFunction")');
    expect(await c.run(t("square"), [7])).toBe(49);
  });

  it("delivers cancellation to the running task's signal and stays usable", async () => {
    const c = connect(kind);
    const controller = new AbortController();
    const running = c.run(t("waitForCancel"), [], { signal: controller.signal });
    await c.run(t("square"), [1]); // the worker has started the first call
    controller.abort(new CancelledError("stop"));
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    // the worker saw the reason itself, class and message kept (calls run in order on one worker)
    expect(await c.run(t("cancelReasonSeen"), [])).toEqual({ isError: true, name: "CancelledError", message: "stop" });
    expect(await c.run(t("square"), [8])).toBe(64);
  });

  it("loads two threads.js worker modules at once without mixing what they expose", async () => {
    const c = connect(kind);
    const worker = new URL("./testdata/threadsjs_worker.mjs", import.meta.url);
    const single = new URL("./testdata/threadsjs_function_worker.mjs", import.meta.url);
    const [doubled, sum] = await Promise.all([
      c.run(task(worker, "double"), [21]),
      c.run(task(single, "default"), [2, 3]),
    ]);
    expect([doubled, sum]).toEqual([42, 5]);
  });

  it("passes progress reports to the caller", async () => {
    const c = connect(kind);
    const seen: unknown[] = [];
    expect(await c.run(t("withProgress"), [3], { onProgress: (v) => seen.push(v) })).toBe(3);
    expect(seen).toEqual([
      { done: 1, of: 3 },
      { done: 2, of: 3 },
      { done: 3, of: 3 },
    ]);
  });

  it("streams an async generator's items and closes it when the consumer stops", async () => {
    const c = connect(kind);
    const items: number[] = [];
    const all = c.stream<number>(t("count"), [40], { highWaterMark: 4 });
    for await (const x of all) items.push(x);
    expect(items).toEqual(Array.from({ length: 40 }, (_, i) => i));

    const dir = mkdtempSync(join(tmpdir(), "cc-stream-"));
    const marker = join(dir, "closed");
    try {
      const some: number[] = [];
      for await (const x of c.stream<number>(t("count"), [1_000_000, marker], { highWaterMark: 2 })) {
        some.push(x);
        if (x === 2) break;
      }
      expect(some).toEqual([0, 1, 2]);
      await c.run(t("square"), [1]);
      // the worker ran the generator's finally block when the consumer left
      await vi.waitFor(() => expect(existsSync(marker) && readFileSync(marker, "utf8")).toBe("closed"), {
        timeout: 10_000,
        interval: 5,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses an async-iterator result outside of stream()", async () => {
    const c = connect(kind);
    await expect(c.run(t("count"), [3])).rejects.toThrow(/returned an async iterator/);
  });

  it("fails the call in flight with WorkerExitError when the task calls process.exit()", async () => {
    const c = connect(kind);
    const error = await c.run(t("exitWith"), [3]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect(error).toMatchObject({ exitCode: 3 });
    await expect(c.run(t("square"), [2])).rejects.toBeInstanceOf(WorkerExitError);
  });

  it("fails the call in flight with the worker's uncaught exception, class kept", async () => {
    const c = connect(kind);
    const error = await c.run(t("throwLater"), ["from a timer"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ name: "ValidationError", message: "from a timer", field: "timer" });
    expect((await c.whenExited).code).toBe(1);
  });

  it("fails the call in flight with an unhandled rejection inside the worker", async () => {
    const c = connect(kind);
    const error = await c.run(t("rejectLater"), ["floating promise"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("floating promise");
  });

  it("classifies running out of memory", async () => {
    const c = connect(kind, { resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const error = await c.run(t("hog"), []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect(error).toMatchObject({ outOfMemory: true });
  });

  it("finishes its calls and exits on close()", async () => {
    const c = connect(kind);
    const pending = c.run(t("slowSquare"), [9]);
    const exit = await c.close();
    expect(await pending).toBe(81);
    expect(exit.code).toBe(0);
  });
});

describe("WorkerConnection over a thread only", () => {
  it("writes what a task printed before its result is delivered", async () => {
    const c = connect("thread");
    await c.run(t("square"), [1]); // the worker is up
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => out.push(String(chunk)) > 0);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => err.push(String(chunk)) > 0);
    let seenAtResult = "";
    try {
      await c.run(t("printAndReturn"), ["hello"]).then(() => {
        seenAtResult = out.join("");
      });
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(seenAtResult).toContain("hello 0 from the worker\n");
    expect(seenAtResult).toContain("hello 49 from the worker\n");
    expect(err.join("")).toContain("hello on stderr");
  });

  it("delivers a slow call's result while a later call of the same batch still runs", async () => {
    const c = connect("thread");
    const latch = new Int32Array(new SharedArrayBuffer(4));
    const slow = c.run(t("busyFor"), [5]);
    const blocked = c.run(t("holdUntilReleased"), [latch]);
    expect(await slow).toBe(5); // arrives although the worker is now blocked in the next call
    Atomics.store(latch, 0, 2);
    Atomics.notify(latch, 0);
    expect(await blocked).toBe("released");
  });

  it("revives a Shareable argument as its class over the same shared memory", async () => {
    const { Counter } = await import("./testdata/tasks.ts");
    const c = connect("thread");
    const counter = new Counter();
    await Promise.all([c.run(t("bump"), [counter, 1000]), c.run(t("bump"), [counter, 1000])]);
    expect(counter.cells[0]).toBe(2000);
  });

  it("transfers a returned buffer instead of copying it", async () => {
    const c = connect("thread");
    const bytes = (await c.run(t("makeBuffer"), [16])) as Uint8Array;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual(new Array(16).fill(7));
  });

  it("moves a transferred argument (the sender's buffer is detached)", async () => {
    const c = connect("thread");
    const bytes = new Uint8Array([1, 2, 3]);
    const echoed = (await c.run(t("echo"), [bytes], { transfer: [bytes.buffer] })) as Uint8Array;
    expect([...echoed]).toEqual([1, 2, 3]);
    expect(bytes.byteLength).toBe(0);
  });
});
