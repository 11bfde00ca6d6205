import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BrokenProcessPool, CancelledError, CloneError, InvalidStateError, task, WorkerExitError } from "@cc/core";
import { wait } from "@cc/futures";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from "./mod.ts";
import type * as T from "./testdata/tasks.ts";

const tasks = new URL("./testdata/tasks.ts", import.meta.url);
const square = task<typeof T.square>(tasks, "square");
const pid = task<typeof T.pid>(tasks, "pid");
const fail = task<typeof T.fail>(tasks, "fail");
const exitWith = task<typeof T.exitWith>(tasks, "exitWith");
const killSelf = task<typeof T.killSelf>(tasks, "killSelf");
const describeArg = task<typeof T.describeArg>(tasks, "describeArg");
const untilCancelled = task<typeof T.untilCancelled>(tasks, "untilCancelled");
const exitWhenExists = task<typeof T.exitWhenExists>(tasks, "exitWhenExists");
const spinForever = task<typeof T.spinForever>(tasks, "spinForever");

const pools: ProcessPoolExecutor[] = [];
function pool(options: ProcessPoolExecutorOptions = {}): ProcessPoolExecutor {
  const p = new ProcessPoolExecutor(options);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdown({ wait: true, cancelFutures: true })));
});

/** Submits `untilCancelled` and resolves once it runs in a child, with its future and controller. */
async function runningTask(executor: ProcessPoolExecutor) {
  const controller = new AbortController();
  let started!: () => void;
  const isRunning = new Promise<void>((resolve) => {
    started = resolve;
  });
  const future = executor.submitWith(untilCancelled, [], { signal: controller.signal, onProgress: () => started() });
  await isRunning;
  return { future, controller };
}

describe("ProcessPoolExecutor", () => {
  it("runs the seed's PPE program: a submit per id, wait, results in order", async () => {
    const executor = pool({ maxWorkers: 4 });
    const inputs = [123, 456, 789, 111, 222, 333];
    const futures = inputs.map((id) => executor.submit(square, id));
    const { done, notDone } = await wait(futures);
    expect(done.size).toBe(6);
    expect(notDone.size).toBe(0);
    expect(futures.map((f) => f.resultNow())).toEqual([15129, 207936, 622521, 12321, 49284, 110889]);
  });

  it("runs tasks in child processes, not in this one", async () => {
    const executor = pool({ maxWorkers: 1 });
    const child = await executor.submit(pid);
    expect(child).not.toBe(process.pid);
    expect(executor.stats().perWorker.map((w) => w.id)).toEqual([child]);
  });

  it("map yields results in input order, with chunksize too", async () => {
    const executor = pool({ maxWorkers: 2 });
    const out: number[] = [];
    for await (const r of executor.map(square, [123, 456, 789, 111, 222, 333])) out.push(r);
    expect(out).toEqual([15129, 207936, 622521, 12321, 49284, 110889]);
    const chunked: number[] = [];
    for await (const r of executor.map(
      square,
      Array.from({ length: 25 }, (_, i) => i),
      { chunksize: 4 },
    )) {
      chunked.push(r);
    }
    expect(chunked).toEqual(Array.from({ length: 25 }, (_, i) => i * i));
  });

  it("map with default options: a generator's items in order, an error at its own item", async () => {
    const executor = pool({ maxWorkers: 2 });
    const squareOrFail = task<typeof T.squareOrFail>(tasks, "squareOrFail");
    function* numbers(n: number, failAt = -1) {
      for (let i = 0; i < n; i++) yield i === failAt ? -i : i;
    }
    let i = 0;
    for await (const y of executor.map(square, numbers(10_000))) {
      expect(y).toBe(i * i);
      i++;
    }
    expect(i).toBe(10_000);
    const out: number[] = [];
    const run = async () => {
      for await (const y of executor.map(squareOrFail, numbers(10_000, 6789))) out.push(y);
    };
    await expect(run()).rejects.toThrow("negative: -6789");
    expect(out).toHaveLength(6789); // every result before the failed item, none after
  });

  it("keeps a thrown error's class and message; the pool goes on", async () => {
    const executor = pool({ maxWorkers: 1 });
    const error = await executor.submit(fail, "bad id").exception();
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("bad id");
    expect(await executor.submit(square, 3)).toBe(9);
  });

  describe("a child that dies breaks the pool (Python)", () => {
    it("process.exit() in a task: it and the pending tasks fail with BrokenProcessPool; submit throws", async () => {
      const executor = pool({ maxWorkers: 1 });
      const dying = executor.submit(exitWith, 5);
      const pending = [1, 2, 3].map((x) => executor.submit(square, x));
      const error = await dying.exception();
      expect(error).toBeInstanceOf(BrokenProcessPool);
      expect((error as Error).cause).toBeInstanceOf(WorkerExitError);
      expect((error as Error).cause).toMatchObject({ exitCode: 5 });
      for (const f of pending) expect(await f.exception()).toBeInstanceOf(BrokenProcessPool);
      expect(() => executor.submit(square, 4)).toThrow(BrokenProcessPool);
      expect(executor.broken?.message).toMatch(/exited with code 5/);
    });

    it("a child killed by a signal: BrokenProcessPool, the cause names the signal", async () => {
      const executor = pool({ maxWorkers: 2 });
      const other = await runningTask(executor);
      const killed = executor.submit(killSelf, "SIGKILL");
      const error = await killed.exception();
      expect(error).toBeInstanceOf(BrokenProcessPool);
      expect((error as Error).cause).toMatchObject({ signal: "SIGKILL", exitCode: null });
      // the other child, still running its task, is stopped and its task fails too
      expect(await other.future.exception()).toBeInstanceOf(BrokenProcessPool);
      expect(() => executor.submit(square, 1)).toThrow(BrokenProcessPool);
      await executor.shutdown();
      expect(executor.stats().workers).toBe(0);
    });

    it("a SIGKILLed child: queued futures, broken, later submits and the sibling's task all carry its WorkerExitError", async () => {
      const executor = pool({ maxWorkers: 2 });
      const other = await runningTask(executor);
      const killed = executor.submit(killSelf, "SIGKILL");
      const queued = [1, 2, 3].map((x) => executor.submit(square, x)); // both children are busy: these wait
      const error = await killed.exception();
      expect(error).toBeInstanceOf(BrokenProcessPool);
      const dead = (error as Error).cause;
      expect(dead).toBeInstanceOf(WorkerExitError);
      expect(dead).toMatchObject({ signal: "SIGKILL", exitCode: null });
      for (const f of queued) {
        const e = await f.exception();
        expect(e).toBeInstanceOf(BrokenProcessPool);
        expect((e as Error).cause).toBeInstanceOf(WorkerExitError);
        expect((e as Error).cause).toMatchObject({ signal: "SIGKILL", exitCode: null });
      }
      expect(executor.broken?.cause).toMatchObject({ signal: "SIGKILL", exitCode: null });
      let later: unknown;
      try {
        executor.submit(square, 1);
      } catch (e) {
        later = e;
      }
      expect(later).toBeInstanceOf(BrokenProcessPool);
      expect((later as Error).cause).toMatchObject({ signal: "SIGKILL", exitCode: null });
      // the sibling was stopped by the pool (SIGTERM), but reports what broke the pool
      const sibling = await other.future.exception();
      expect(sibling).toBeInstanceOf(BrokenProcessPool);
      expect((sibling as Error).cause).toMatchObject({ signal: "SIGKILL", exitCode: null });
    });

    it("a child that crashes after shutdown() began: BrokenProcessPool (Python), not a raw WorkerExitError", async () => {
      const dir = mkdtempSync(join(tmpdir(), "cc-ppe-"));
      try {
        const go = join(dir, "go");
        const executor = pool({ maxWorkers: 1 });
        let started!: () => void;
        const isRunning = new Promise<void>((resolve) => {
          started = resolve;
        });
        const future = executor.submitWith(exitWhenExists, [go, 3], { onProgress: () => started() });
        await isRunning;
        const closing = executor.shutdown({ wait: true });
        writeFileSync(go, "");
        const error = await future.exception();
        expect(error).toBeInstanceOf(BrokenProcessPool);
        expect((error as Error).cause).toBeInstanceOf(WorkerExitError);
        expect((error as Error).cause).toMatchObject({ exitCode: 3, signal: null });
        await closing;
        expect(executor.broken).toBeInstanceOf(BrokenProcessPool);
        expect(executor.stats().workers).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("a failing initializer breaks it, with the initializer's error as the cause", async () => {
      const executor = pool({ maxWorkers: 1, initializer: task(tasks, "initFails") });
      const futures = [1, 2, 3].map((x) => executor.submit(square, x));
      const errors = await Promise.all(futures.map((f) => f.exception()));
      for (const e of errors) {
        expect(e).toBeInstanceOf(BrokenProcessPool);
        expect((e as Error).message).toMatch(/initializer failed/);
      }
      expect(executor.broken?.cause).toMatchObject({ message: "cannot initialise" });
      expect(() => executor.submit(square, 1)).toThrow(BrokenProcessPool);
    });
  });

  it("runs an initializer in each child before its tasks", async () => {
    const executor = pool({ maxWorkers: 2, initializer: task(tasks, "init"), initArgs: ["ready"] });
    const readInit = task<typeof T.readInit>(tasks, "readInit");
    const results = await Promise.all(Array.from({ length: 8 }, () => executor.submit(readInit)));
    expect(results).toEqual(Array(8).fill("ready"));
  });

  it("replaces a child after maxTasksPerChild tasks (Python's max_tasks_per_child)", async () => {
    const executor = pool({ maxWorkers: 1, maxTasksPerChild: 2 });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await executor.submit(pid));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(ids[1]).not.toBe(ids[2]);
  });

  describe("shutdown", () => {
    it("works with await using: waits for the work, then every child has exited", async () => {
      let executor: ProcessPoolExecutor | undefined;
      {
        await using e = new ProcessPoolExecutor({ maxWorkers: 2 });
        executor = e;
        const futures = [1, 2, 3, 4].map((x) => e.submit(square, x));
        expect(await Promise.all(futures)).toEqual([1, 4, 9, 16]);
      }
      expect(executor.isShutdown).toBe(true);
      expect(executor.stats().workers).toBe(0);
      expect(() => executor.submit(square, 1)).toThrow(InvalidStateError);
    });

    it("with cancelFutures cancels the queued tasks; the running one finishes", async () => {
      const executor = pool({ maxWorkers: 1 });
      const running = await runningTask(executor);
      const queued = Array.from({ length: 10 }, (_, i) => executor.submit(square, i));
      await executor.shutdown({ wait: false, cancelFutures: true });
      expect(queued.every((f) => f.cancelled())).toBe(true);
      expect(running.future.running()).toBe(true);
      running.controller.abort(new CancelledError("stop"));
      await expect(running.future.result()).rejects.toThrow("stop");
      await executor.shutdown();
      expect(executor.stats().workers).toBe(0);
    });

    it("lets the process exit when a pool is left idle, or after shutdown; a started Process runs to its end", () => {
      const script = fileURLToPath(new URL("./testdata/exit_cleanly.mjs", import.meta.url));
      const r = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("idle pool: 144\nshut down: 169\nPool: 1,4,9\nProcess: never joined, still ran\n");
      expect(r.status).toBe(0);
    });
  });

  describe("a task that ignores its signal (issue 12)", () => {
    /** Submits `spinForever` and resolves once it runs in a child (the future wrapped: it is thenable). */
    async function spinning(executor: ProcessPoolExecutor, signal?: AbortSignal) {
      let started!: () => void;
      const isRunning = new Promise<void>((resolve) => {
        started = resolve;
      });
      const future = executor.submitWith(spinForever, [], { signal, onProgress: () => started() });
      await isRunning;
      return { future };
    }

    it("after its abort, its child is terminated once cancelGraceMs have passed and replaced; the pool is not broken", async () => {
      const executor = pool({ maxWorkers: 1, cancelGraceMs: 50 });
      const first = await executor.submit(pid);
      const controller = new AbortController();
      const { future: f } = await spinning(executor, controller.signal);
      controller.abort(new CancelledError("stop"));
      expect(await f.exception()).toBeInstanceOf(CancelledError);
      const next = await executor.submit(pid); // waited for ever behind the spinning child
      expect(next).not.toBe(first);
      expect(executor.broken).toBeUndefined();
      await executor.shutdown();
      expect(executor.stats().workers).toBe(0);
    }); // the suite's 60 s: a loaded machine can take seconds to start the replacement worker

    it("shutdown({ timeout }) stops a running task hard (CancelledError), cancels queued ones, and resolves", async () => {
      const executor = pool({ maxWorkers: 1, cancelGraceMs: Number.POSITIVE_INFINITY });
      const { future: f } = await spinning(executor);
      const queued = executor.submit(square, 3);
      await executor.shutdown({ timeout: 50 }); // never resolved
      const error = await f.exception();
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as Error).message).toMatch(/shutdown deadline \(50 ms\): its child process was terminated/);
      expect(queued.cancelled()).toBe(true);
      expect(executor.broken).toBeUndefined();
      expect(executor.stats().workers).toBe(0);
    }); // the suite's 60 s: a loaded machine can take seconds to start the replacement worker

    it("Node exits once the stuck task's future failed and the pool shut down", () => {
      const script = fileURLToPath(new URL("./testdata/stuck_task_exits.mjs", import.meta.url));
      const r = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("timed out: TimeoutError\nshut down\n");
      expect(r.status).toBe(0);
    });
  });

  describe("what crosses the process boundary", () => {
    it("a non-cloneable argument fails that future with its path; the pool stays usable", async () => {
      const executor = pool({ maxWorkers: 1 });
      const bad = executor.submit(describeArg, { nested: { callback: () => 1 } });
      const good = executor.submit(square, 9);
      const error = await bad.exception();
      expect(error).toBeInstanceOf(CloneError);
      expect(error).toMatchObject({ path: "args[0].nested.callback" });
      expect(await good).toBe(81);
    });

    it("a SharedArrayBuffer cannot reach a child: CloneError with its path; neighbours unaffected", async () => {
      const executor = pool({ maxWorkers: 1 });
      const sab = new SharedArrayBuffer(8);
      const before = executor.submit(square, 2);
      const direct = executor.submit(describeArg, sab);
      const view = executor.submit(describeArg, { counters: [new Int32Array(sab)] });
      const after = executor.submit(square, 3);
      expect(await direct.exception()).toMatchObject({ name: "CloneError", path: "args[0]" });
      const error = await view.exception();
      expect(error).toBeInstanceOf(CloneError);
      expect((error as CloneError).path).toBe("args[0].counters[0]");
      expect((error as Error).message).toMatch(/Int32Array on a SharedArrayBuffer/);
      expect([await before, await after]).toEqual([4, 9]);
      expect(await executor.submit(square, 4)).toBe(16);
    });

    it("shared memory is refused on every path to a child: stream() arguments and initArgs too", async () => {
      const shared = new Int32Array(new SharedArrayBuffer(8));
      const executor = pool({ maxWorkers: 1 });
      const streamed = async () => {
        for await (const _ of executor.stream(task<(v: unknown) => AsyncGenerator<number>>(tasks, "echoEach"), [
          shared,
        ])) {
          // never reached: the call fails before it is sent
        }
      };
      const error = await streamed().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CloneError);
      expect(error).toMatchObject({ path: "args[0]", what: "an Int32Array on a SharedArrayBuffer" });
      expect(await executor.submit(square, 5)).toBe(25);

      const initialised = pool({ maxWorkers: 1, initializer: task(tasks, "init"), initArgs: [{ cells: shared }] });
      await expect(initialised.submit(square, 1)).rejects.toBeInstanceOf(BrokenProcessPool);
      expect(initialised.broken?.cause).toBeInstanceOf(CloneError);
      expect(initialised.broken?.cause).toMatchObject({ path: "args[0].cells" });
    });

    it("a result whose getter throws while it is copied fails only that future; the pool stays healthy", async () => {
      const executor = pool({ maxWorkers: 1 });
      const child = await executor.submit(pid);
      const error = await executor.submit(task<typeof T.throwingGetter>(tasks, "throwingGetter")).exception();
      expect(error).toBeInstanceOf(CloneError);
      expect(error).toMatchObject({ path: "result.bad" });
      expect((error as Error).message).toMatch(/not today/);
      expect(executor.broken).toBeUndefined();
      expect(await executor.submit(pid)).toBe(child); // the same child
    });

    it("copies Map, Set, Date, BigInt, typed arrays and errors (structured clone)", async () => {
      const executor = pool({ maxWorkers: 1 });
      const values = [new Map([[1, 2]]), new Set([1]), new Date(0), 10n, new Uint8Array(3), new Error("e")];
      const kinds = await Promise.all(values.map((v) => executor.submit(describeArg, v)));
      expect(kinds).toEqual([
        "[object Map]",
        "[object Set]",
        "[object Date]",
        "[object BigInt]",
        "[object Uint8Array]",
        "[object Error]",
      ]);
    });
  });

  it.each([
    [{ maxWorkers: 0 }, RangeError, "maxWorkers must be an integer ≥ 1, got 0"],
    [{ maxWorkers: "4" }, TypeError, "maxWorkers must be a number, got string 4"],
    [{ maxTasksPerChild: 0 }, RangeError, "maxTasksPerChild must be an integer ≥ 1, got 0"],
    [{ maxTasksPerChild: "12" }, TypeError, "maxTasksPerChild must be a number, got string 12"],
    [{ maxTasksPerChild: 2, maxTasksPerWorker: 3 }, RangeError, "disagree"],
    [{ initializer: () => 1 }, TypeError, "initializer must be a task"],
    [{ cancelGraceMs: -1 }, RangeError, "cancelGraceMs must be ≥ 0 ms, got -1"],
    [{ cancelGraceMs: "1" }, TypeError, "cancelGraceMs must be a number of milliseconds"],
  ])("rejects bad options %j", (options, Err, message) => {
    expect(() => new ProcessPoolExecutor(options as ProcessPoolExecutorOptions)).toThrow(Err);
    expect(() => new ProcessPoolExecutor(options as ProcessPoolExecutorOptions)).toThrow(message);
  });
});
