import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import { CloneError, InvalidStateError, RemoteError, task, WorkerExitError } from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Lock, Thread } from "./mod.ts";
import { Failing, Introspect, LockedCounter, NoModule, SquareThread } from "./testdata/thread_subclass.ts";
import type * as T from "./testdata/thread_tasks.ts";

const tasks = new URL("./testdata/thread_tasks.ts", import.meta.url);
const square = task<typeof T.square>(tasks, "square");
const whoAmI = task<typeof T.whoAmI>(tasks, "whoAmI");
const fail = task<typeof T.fail>(tasks, "fail");
const waitForRelease = task<typeof T.waitForRelease>(tasks, "waitForRelease");
const arriveAndWait = task<typeof T.arriveAndWait>(tasks, "arriveAndWait");
const notCloneable = task<typeof T.notCloneable>(tasks, "notCloneable");
const exitWorker = task<typeof T.exitWorker>(tasks, "exitWorker");
const failAfterRelease = task<typeof T.failAfterRelease>(tasks, "failAfterRelease");

function latch(size = 2): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * size));
}
function release(cells: Int32Array, index = 0, value = 1): void {
  Atomics.store(cells, index, value);
  Atomics.notify(cells, index);
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("Thread", () => {
  it("join() resolves with the target's return value (the course's n1)", async () => {
    const t = new Thread({ target: square, args: [123] });
    expect(t.isAlive()).toBe(false);
    t.start();
    expect(t.isAlive()).toBe(true);
    const output: number = await t.join();
    expect(output).toBe(15129);
    expect(t.isAlive()).toBe(false);
    expect(await t.join()).toBe(15129); // joining again gives the same value
  });

  it("runs the target in its own worker thread; ident and nativeId are that thread's id", async () => {
    const t = new Thread({ target: whoAmI });
    expect(t.ident).toBeUndefined();
    t.start();
    const ranIn = await t.join();
    expect(ranIn).not.toBe(threadId);
    expect(t.ident).toBe(ranIn);
    expect(t.nativeId).toBe(ranIn);
  });

  it("collects six outputs in order (the course's n2 collects six Nones)", async () => {
    const inputs = [123, 456, 789, 111, 222, 333];
    const threads = inputs.map((id) => new Thread({ target: square, args: [id] }));
    for (const t of threads) t.start();
    const outputs = await Promise.all(threads.map((t) => t.join()));
    expect(outputs).toEqual([15129, 207936, 622521, 12321, 49284, 110889]);
  });

  it("join() rejects with the target's error, class and message kept", async () => {
    const t = new Thread({ target: fail, args: ["custom"] });
    t.start();
    const error = await t.join().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ name: "ValidationError", message: "bad id", field: "id" });
    expect(t.isAlive()).toBe(false);

    const u = new Thread({ target: fail, args: ["x"] });
    u.start();
    const typeError = await u.join().catch((e: unknown) => e);
    expect(typeError).toBeInstanceOf(TypeError);
    expect((typeError as Error).message).toBe("not a number: x");
  });

  it("join() rejects with CloneError when the result cannot cross threads", async () => {
    const t = new Thread({ target: notCloneable });
    t.start();
    await expect(t.join()).rejects.toThrow(/function/);
  });

  it("reports a failure nobody joined, as Python's excepthook prints it", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const t = new Thread({ target: fail, args: ["y"], name: "lonely" });
    t.start();
    await vi.waitFor(() => expect(errors).toHaveBeenCalledWith("Exception in thread lonely:", expect.any(TypeError)), {
      timeout: 30_000,
    });
    expect(t.isAlive()).toBe(false);
    await expect(t.join()).rejects.toThrow("not a number: y"); // a later join still sees it
    expect(errors).toHaveBeenCalledTimes(1);
  });

  it("reports a failure that comes after a join() timed out (nobody waits for it any more)", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const cells = latch();
    const t = new Thread({ target: failAfterRelease, args: [cells], name: "late" });
    t.start();
    expect(await t.join({ timeout: 0 })).toBeUndefined();
    release(cells);
    await vi.waitFor(() => expect(errors).toHaveBeenCalledWith("Exception in thread late:", expect.any(TypeError)), {
      timeout: 30_000,
    });
  });

  it("does not report a failure that a pending join() receives", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const t = new Thread({ target: fail, args: ["z"] });
    t.start();
    await expect(t.join()).rejects.toThrow("not a number: z");
    expect(errors).not.toHaveBeenCalled();
  });

  it("start() twice throws InvalidStateError, as Python's RuntimeError", async () => {
    const t = new Thread({ target: square, args: [2] });
    t.start();
    expect(() => t.start()).toThrow(new InvalidStateError("threads can only be started once"));
    expect(await t.join()).toBe(4);
    expect(() => t.start()).toThrow(InvalidStateError);
  });

  it("join() before start() throws InvalidStateError", () => {
    const t = new Thread({ target: square, args: [2] });
    expect(() => t.join()).toThrow(new InvalidStateError("cannot join thread before it is started"));
  });

  it("join({ timeout }) resolves undefined after the timeout and leaves the thread running", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const cells = latch();
    const t = new Thread({ target: waitForRelease, args: [cells] });
    t.start();
    const early = t.join({ timeout: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(early).resolves.toBeUndefined();
    expect(t.isAlive()).toBe(true);
    vi.useRealTimers();
    release(cells, 0, 7);
    expect(await t.join({ timeout: 60_000 })).toBe(7);
    expect(t.isAlive()).toBe(false);
  });

  it("join({ signal }) stops waiting with the signal's reason; the thread goes on", async () => {
    const cells = latch();
    const t = new Thread({ target: waitForRelease, args: [cells] });
    t.start();
    const controller = new AbortController();
    const waiting = t.join({ signal: controller.signal });
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    await expect(t.join({ signal: controller.signal })).rejects.toThrow("gave up");
    expect(t.isAlive()).toBe(true);
    release(cells, 0, 3);
    expect(await t.join()).toBe(3);
  });

  it("rejects a bad timeout, target, args or name, quoting the value", () => {
    const t = new Thread({ target: square, args: [1] });
    t.start();
    expect(() => t.join({ timeout: Number.NaN })).toThrow(RangeError);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong types
    const bad = (options: any) => () => new Thread(options);
    expect(bad({ target: () => 1 })).toThrow(/target must be a task.*function/);
    expect(bad({ target: square, args: 5 })).toThrow("args must be an array, got number 5");
    expect(bad({ name: 5 })).toThrow("name must be a string, got number 5");
    return t.join();
  });

  it("names threads Thread-N (target) by default, like Python 3.10+", () => {
    const a = new Thread({ target: square, args: [1] });
    const b = new Thread();
    const na = Number(/^Thread-(\d+) \(square\)$/.exec(a.name)?.[1]);
    expect(b.name).toBe(`Thread-${na + 1}`);
    expect(new Thread({ name: "mine" }).name).toBe("mine");
    b.name = "renamed";
    expect(b.toString()).toBe("<Thread(renamed, initial)>");
  });

  it("daemon can be set before start() only", async () => {
    const t = new Thread({ target: square, args: [3] });
    t.daemon = true;
    expect(t.daemon).toBe(true);
    t.start();
    expect(() => {
      t.daemon = false;
    }).toThrow(InvalidStateError);
    expect(await t.join()).toBe(9);
  });

  it("a thread with neither target nor run() override runs nothing and joins undefined", async () => {
    const t = new Thread();
    t.start();
    expect(await t.join()).toBeUndefined();
    expect(t.ident).toBeTypeOf("number");
  });

  it("run() called directly runs the target in the calling thread, as Python's does", async () => {
    expect(await new Thread({ target: whoAmI }).run()).toBe(threadId);
  });

  it("64 threads on a 2-core machine all run at once and complete (the course says they fail)", async () => {
    const n = 64;
    const cells = latch();
    const threads = Array.from({ length: n }, (_, i) => new Thread({ target: arriveAndWait, args: [cells, i] }));
    for (const t of threads) t.start();
    // every thread is running at the same time: all 64 have arrived before any may leave
    for (let seen = Atomics.load(cells, 0); seen < n; seen = Atomics.load(cells, 0)) {
      const r = Atomics.waitAsync(cells, 0, seen, 10_000);
      if (r.async) await r.value;
    }
    expect(threads.every((t) => t.isAlive())).toBe(true);
    release(cells, 1);
    expect(await Promise.all(threads.map((t) => t.join()))).toEqual(threads.map((_, i) => i));
    expect(new Set(threads.map((t) => t.ident)).size).toBe(n);
  });

  it("a worker that exits mid-run rejects join() with WorkerExitError", async () => {
    const t = new Thread({ target: exitWorker, args: [3] });
    t.start();
    await expect(t.join()).rejects.toBeInstanceOf(WorkerExitError);
  });
});

describe("Thread subclass with run() (the course's n3/n4)", () => {
  it("runs run() in a worker and copies its fields back after join", async () => {
    const t = new SquareThread(123);
    t.start();
    expect(await t.join()).toBe("done 123");
    expect(t.output).toBe(15129);
    expect(t.ranIn).toBe(t.ident);
    expect(t.ranIn).not.toBe(threadId);
    expect(t.constructorRuns).toBe(1); // the worker copied the object, it did not construct it again
    expect(t.name).toMatch(/^Thread-\d+$/);
  });

  it("six subclass threads, outputs read after join", async () => {
    const threads = [123, 456, 789, 111, 222, 333].map((id) => new SquareThread(id));
    for (const t of threads) t.start();
    for (const t of threads) await t.join();
    expect(threads.map((t) => t.output)).toEqual([15129, 207936, 622521, 12321, 49284, 110889]);
  });

  it("inside run(): name, isAlive() and ident are the thread's; join() and start() throw", async () => {
    const t = new Introspect({ name: "inspector" });
    t.start();
    await t.join();
    expect(t.seen).toEqual({
      name: "inspector",
      alive: true,
      ident: t.ident,
      joinError: "InvalidStateError: cannot join current thread",
      startError: "InvalidStateError: threads can only be started once",
    });
  });

  it("join() rejects with the error run() threw", async () => {
    const t = new Failing();
    t.start();
    const error = await t.join().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("run failed");
  });

  it("shares a Lock field between threads instead of copying it", async () => {
    const lock = new Lock();
    const cells = latch(1);
    const threads = [0, 1, 2, 3].map(() => new LockedCounter(lock, cells, 2000));
    for (const t of threads) t.start();
    expect(await Promise.all(threads.map((t) => t.join()))).toEqual([true, true, true, true]);
    expect(cells[0]).toBe(8000);
    expect(threads[0]!.lock).toBe(lock); // the host's field is left alone
  });

  it("join() rejects with CloneError naming the field when a field cannot be cloned", async () => {
    const t = new SquareThread(2);
    (t as unknown as { callback: () => void }).callback = () => {};
    t.start();
    const error = await t.join().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloneError);
    expect((error as Error).message).toBe(
      "SquareThread.callback could not be cloned: a function (anonymous) cannot cross a thread or process boundary",
    );
  });

  it("start() of a subclass without static module throws TypeError naming the fix", () => {
    expect(() => new NoModule().start()).toThrow(
      /NoModule overrides run\(\).*static override module = import\.meta\.url/,
    );
  });
});

describe("Thread and the life of the Node.js process", () => {
  const program = fileURLToPath(new URL("./testdata/thread_keepalive.ts", import.meta.url));
  const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
  function run(which: string) {
    const r = spawnSync(process.execPath, [tsxCli, program, which], { encoding: "utf8", timeout: 60_000 });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  }

  it("a running non-daemon thread keeps Node alive until it ends, without a join", () => {
    expect(run("running")).toEqual({
      code: 0,
      signal: null,
      stdout: "main: end of module\nworker: done\n",
      stderr: "",
    });
  });

  it("a daemon thread does not keep Node alive, even while it runs", () => {
    expect(run("daemon")).toEqual({ code: 0, signal: null, stdout: "main: daemon alive true\n", stderr: "" });
  });

  it("a daemon thread keeps Node alive while someone awaits its join()", () => {
    expect(run("daemon-joined")).toEqual({
      code: 0,
      signal: null,
      stdout: "worker: done\nmain: joined done\n",
      stderr: "",
    });
  });

  it("a finished thread never keeps Node alive", () => {
    expect(run("joined")).toEqual({
      code: 0,
      signal: null,
      stdout: "worker: done\nmain: joined done\n",
      stderr: "",
    });
  });
});
