import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BrokenProcessPool,
  CancelledError,
  CloneError,
  InvalidStateError,
  TimeoutError,
  task,
  WorkerExitError,
} from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Pool, type PoolOptions } from "./mod.ts";
import type * as T from "./testdata/tasks.ts";

const tasks = new URL("./testdata/tasks.ts", import.meta.url);
const square = task<typeof T.square>(tasks, "square");
const add = task<typeof T.add>(tasks, "add");
const pid = task<typeof T.pid>(tasks, "pid");
const fail = task<typeof T.fail>(tasks, "fail");
const exitWith = task<typeof T.exitWith>(tasks, "exitWith");
const after = task<(ms: number, value: number) => Promise<number>>(tasks, "after");
const forever = task<typeof T.forever>(tasks, "forever");

const open: Pool[] = [];
function pool(options: PoolOptions = {}): Pool {
  const p = new Pool(options);
  open.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.terminate()));
});

const SEED = [123, 456, 789, 111, 222, 333];
const SQUARES = [15129, 207936, 622521, 12321, 49284, 110889];

describe("Pool", () => {
  it("runs the seed's Pool program: Pool({ processes: 4 }).map resolves to the list in order", async () => {
    const p = pool({ processes: 4 });
    expect(await p.map(square, SEED)).toEqual(SQUARES);
  });

  it("map chunks like Python, or with the chunksize given; an empty input gives []", async () => {
    const p = pool({ processes: 2 });
    const inputs = Array.from({ length: 100 }, (_, i) => i);
    expect(await p.map(square, inputs)).toEqual(inputs.map((x) => x * x));
    expect(await p.map(square, new Set([1, 2, 3]), { chunksize: 2 })).toEqual([1, 4, 9]);
    expect(await p.map(square, [])).toEqual([]);
    expect(() => p.map(square, [1], { chunksize: 0 })).toThrow(RangeError);
  });

  it("map rejects with a task's error once every call has finished; the pool goes on", async () => {
    const p = pool({ processes: 2 });
    const error = await p.map(fail, ["only"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("only");
    expect(await p.map(square, [5])).toEqual([25]);
  });

  it("starmap unpacks argument lists", async () => {
    const p = pool({ processes: 2 });
    expect(
      await p.starmap(add, [
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ).toEqual([3, 7, 11]);
    expect(() => p.starmap(add, [5] as never)).toThrow("item 0 is not an array");
  });

  it("imap yields in input order; imapUnordered in completion order", async () => {
    const p = pool({ processes: 2 });
    const ordered: number[] = [];
    for await (const r of p.imap(square, SEED)) ordered.push(r);
    expect(ordered).toEqual(SQUARES);
    // the first call finishes only after the test has seen the other two: it must come last
    const latch = join(await mkdtemp(join(tmpdir(), "cc-pool-")), "go");
    const echo = task<typeof T.echo>(tasks, "echo");
    const unordered: number[] = [];
    for await (const r of p.imapUnordered(echo, [{ value: 1, waitFor: latch }, { value: 2 }, { value: 3 }])) {
      unordered.push(r);
      if (unordered.length === 2) await writeFile(latch, "");
    }
    expect(unordered.slice(0, 2).sort()).toEqual([2, 3]);
    expect(unordered[2]).toBe(1);
    await rm(join(latch, ".."), { recursive: true, force: true });
  });

  it("imapUnordered reads an endless input lazily and stops when the loop is left", async () => {
    const p = pool({ processes: 2 });
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const seen: number[] = [];
    for await (const r of p.imapUnordered(square, naturals(), { chunksize: 3 })) {
      seen.push(r);
      if (seen.length >= 20) break;
    }
    // without buffersize, at most 1,024 items per process are read ahead of what the loop took
    expect(pulled).toBeLessThanOrEqual(20 + 2 * 1024 + 3);
    expect(p.stats().queued).toBe(0); // leaving the loop cancelled what had not started
  });

  it("imap with default options reads an endless input a bounded number of items ahead, errors at their item", async () => {
    const p = pool({ processes: 2 });
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i === 15_000 ? -i : i;
      }
    }
    let taken = 0;
    const run = async () => {
      for await (const y of p.imap(task<typeof T.squareOrFail>(tasks, "squareOrFail"), naturals())) {
        expect(y).toBe(taken * taken);
        if (pulled - taken > 2 * 1024 + 1) throw new Error(`read ${pulled - taken} items ahead`);
        taken++;
      }
    };
    await expect(run()).rejects.toThrow("negative: -15000");
    expect(taken).toBe(15_000); // every result before the failed item, none after
    expect(pulled - taken).toBeLessThanOrEqual(2 * 1024 + 1);
  });

  it("map without chunksize makes one call per item, at most 1,024 per process submitted at a time", async () => {
    const p = pool({ processes: 1 });
    expect(await p.map(square, [1, 2, 3])).toEqual([1, 4, 9]);
    const before = p.stats().completed;
    const inputs = Array.from({ length: 3000 }, (_, i) => i);
    const result = p.mapAsync(square, inputs);
    expect(p.stats().queued + p.stats().running).toBeLessThanOrEqual(1024); // the rest waits in the map
    expect(await result.get()).toEqual(inputs.map((x) => x * x));
    expect(p.stats().completed - before).toBe(3000); // one call per item (Python's default: 4 chunks)
    const chunked = p.stats().completed;
    await p.map(square, inputs, { chunksize: 1000 });
    expect(p.stats().completed - chunked).toBe(3); // an explicit chunksize as given
  });

  it("mapAsync, then close() and join(): every item is run, even those not yet submitted at close()", async () => {
    const p = pool({ processes: 2 });
    const inputs = Array.from({ length: 5000 }, (_, i) => i);
    const result = p.mapAsync(square, inputs);
    p.close();
    await p.join();
    expect(await result.get()).toEqual(inputs.map((x) => x * x));
  });

  it("map rejects with CancelledError when the pool is terminated before it has submitted every item", async () => {
    const p = pool({ processes: 1 });
    const result = p.mapAsync(
      square,
      Array.from({ length: 5000 }, (_, i) => i),
    );
    await p.terminate();
    expect(await result.wait().then(() => result.successful())).toBe(false);
    const error = await result.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
  });

  it("apply resolves to the result; applyAsync returns an AsyncResult with callbacks", async () => {
    const p = pool({ processes: 1 });
    expect(await p.apply(add, [2, 3])).toBe(5);
    const results: number[] = [];
    const errors: unknown[] = [];
    const ok = p.applyAsync(square, [12], { callback: (r) => results.push(r) });
    const bad = p.applyAsync(fail, ["nope"], { errorCallback: (e) => errors.push(e) });
    expect(ok.ready()).toBe(false);
    expect(() => ok.successful()).toThrow(InvalidStateError);
    expect(await ok.get()).toBe(144);
    await bad.wait();
    expect(ok.ready() && ok.successful()).toBe(true);
    expect(bad.ready()).toBe(true);
    expect(bad.successful()).toBe(false);
    await expect(bad.get()).rejects.toThrow("nope");
    expect(results).toEqual([144]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RangeError);
  });

  it("AsyncResult.get({ timeout }) rejects with TimeoutError and the call goes on; wait({ timeout }) does not reject", async () => {
    const p = pool({ processes: 1 });
    const slow = p.applyAsync(after, [200, 7]);
    await expect(slow.get({ timeout: 1 })).rejects.toBeInstanceOf(TimeoutError);
    await slow.wait({ timeout: 1 });
    expect(await slow.get()).toBe(7);
  });

  it("a worker that dies mid-task fails that task with WorkerExitError and is replaced", async () => {
    const p = pool({ processes: 1 });
    const before = await p.apply(pid, []);
    const error = await p.apply(exitWith, [3]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect(error).toMatchObject({ exitCode: 3 });
    const afterDeath = await p.apply(pid, []);
    expect(afterDeath).not.toBe(before);
    expect(await p.map(square, [1, 2])).toEqual([1, 4]);
  });

  it("runs an initializer in each worker; a failing one breaks the pool (BrokenProcessPool)", async () => {
    const good = pool({ processes: 2, initializer: task(tasks, "init"), initArgs: ["ready"] });
    expect(await good.map(task<typeof T.readInit>(tasks, "readInit"), [1, 2, 3, 4])).toEqual(Array(4).fill("ready"));
    const bad = pool({ processes: 1, initializer: task(tasks, "initFails") });
    const error = await bad.map(square, [1, 2]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect((error as Error).message).toMatch(/initializer failed/);
    expect(() => bad.applyAsync(square, [1])).toThrow(BrokenProcessPool);
  });

  it("replaces a worker after maxtasksperchild tasks", async () => {
    const p = pool({ processes: 1, maxtasksperchild: 2 });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await p.apply(pid, []));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(ids[1]).not.toBe(ids[2]);
  });

  it("close() refuses new work and lets outstanding work finish; join() waits for the workers", async () => {
    const p = pool({ processes: 2 });
    await expect(p.join()).rejects.toThrow(InvalidStateError);
    const pending = p.mapAsync(square, SEED);
    p.close();
    p.close();
    expect(() => p.applyAsync(square, [1])).toThrow("Pool not running");
    await p.join();
    expect(await pending.get()).toEqual(SQUARES);
    expect(p.stats().workers).toBe(0);
  });

  it("terminate() stops running work at once and cancels what is queued", async () => {
    const p = pool({ processes: 1 });
    const running = p.applyAsync(forever, []);
    const queued = p.applyAsync(square, [2]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(p.stats()).toMatchObject({ running: 1, queued: 1 });
    await p.terminate();
    expect(await running.future.exception()).toBeInstanceOf(WorkerExitError);
    await expect(queued.get()).rejects.toBeInstanceOf(CancelledError);
    expect(p.stats().workers).toBe(0);
    await p.join();
  });

  it("terminate() also stops a child that ignores SIGTERM", async () => {
    const p = pool({ processes: 1 });
    const dir = await mkdtemp(join(tmpdir(), "cc-sigterm-"));
    const marker = join(dir, "ignoring");
    const stubborn = p.applyAsync(task<typeof T.ignoreSigterm>(tasks, "ignoreSigterm"), [marker]);
    // a file is the latch here: no memory is shared with a child process
    await vi.waitFor(() => expect(existsSync(marker)).toBe(true), { timeout: 30_000, interval: 10 });
    await p.terminate();
    expect(await stubborn.future.exception()).toBeInstanceOf(WorkerExitError);
    expect(p.stats().workers).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it("await using closes and joins after the outstanding work", async () => {
    let p: Pool | undefined;
    let pending: Promise<number[]> | undefined;
    {
      await using scoped = new Pool({ processes: 2 });
      p = scoped;
      pending = scoped.map(square, [1, 2, 3]);
    }
    expect(p.stats().workers).toBe(0);
    expect(await pending).toEqual([1, 4, 9]);
    expect(() => p.applyAsync(square, [1])).toThrow(InvalidStateError);
  });

  it("a non-cloneable argument fails that call with its path; the pool stays usable", async () => {
    const p = pool({ processes: 1 });
    const describeArg = task<typeof T.describeArg>(tasks, "describeArg");
    const error = await p.apply(describeArg, [{ f: () => 1 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloneError);
    expect(error).toMatchObject({ path: "args[0].f" });
    const shared = await p.map(describeArg, [1, new SharedArrayBuffer(4)]).catch((e: unknown) => e);
    expect(shared).toBeInstanceOf(CloneError);
    const viaImap = async () => {
      for await (const _ of p.imap(describeArg, [new Int32Array(new SharedArrayBuffer(4))])) {
        // never reached
      }
    };
    await expect(viaImap()).rejects.toThrow(/SharedArrayBuffer/);
    expect(await p.apply(square, [3])).toBe(9);
  });

  it.each([
    [{ processes: 0 }, RangeError, "processes must be an integer ≥ 1, got 0"],
    [{ processes: "2" }, TypeError, "processes must be a number, got string 2"],
    [{ maxtasksperchild: -1 }, RangeError, "maxtasksperchild must be an integer ≥ 1, got -1"],
    [{ initializer: "init" }, TypeError, "initializer must be a task"],
  ])("rejects bad options %j", (options, Err, message) => {
    expect(() => new Pool(options as PoolOptions)).toThrow(Err);
    expect(() => new Pool(options as PoolOptions)).toThrow(message);
  });
});

describe("Pool.applyAsync with a signal (cc's cooperative cancellation)", () => {
  const cleanUpOnAbort = task<(file: string) => Promise<string>>(
    new URL("./testdata/busy.mjs", import.meta.url),
    "cleanUpOnAbort",
  );

  it("aborts the running task's own signal: the call rejects with the reason, the task cleans up, the worker stays", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cc-pool-signal-"));
    try {
      const p = pool({ processes: 1 });
      const before = await p.apply(pid, []);
      const controller = new AbortController();
      const file = join(dir, "cleaned");
      const result = p.applyAsync(cleanUpOnAbort, [file], { signal: controller.signal });
      await vi.waitFor(() => expect(existsSync(`${file}.started`)).toBe(true), { timeout: 30_000, interval: 10 });
      const reason = new Error("Interrupted");
      controller.abort(reason);
      await expect(result.get()).rejects.toBe(reason);
      await vi.waitFor(() => expect(existsSync(file)).toBe(true), { timeout: 30_000, interval: 10 });
      expect(await p.apply(pid, [])).toBe(before); // the same worker process, not a replacement
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("cancels a queued call, and refuses a signal that is not an AbortSignal", async () => {
    const p = pool({ processes: 1 });
    const busy = p.applyAsync(after, [200, 1]);
    const controller = new AbortController();
    const queued = p.applyAsync(square, [3], { signal: controller.signal });
    controller.abort();
    await expect(queued.get()).rejects.toBeInstanceOf(CancelledError);
    expect(await busy.get()).toBe(1);
    expect(() => p.applyAsync(square, [3], { signal: "stop" as never })).toThrow(TypeError);
  });
});
