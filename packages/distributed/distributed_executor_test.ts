// DistributedExecutor against a real Redis, its tasks run by cc-worker child processes standing in for hosts.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CancelledError, CloneError, RemoteError, TaskLoadError, TimeoutError, task } from "@cc/core";
import { asCompleted, wait } from "@cc/futures";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DistributedExecutor } from "./distributed_executor.ts";
import {
  freshQueue,
  killWorkers,
  latchDir,
  REDIS_URL,
  startWorker,
  TASKS,
  type WorkerProcess,
  waitForFile,
} from "./testdata/helpers.ts";

type Tasks = typeof import("./testdata/tasks.mjs");
const t = <K extends keyof Tasks & string>(name: K) =>
  task<Tasks[K] extends (...args: never[]) => unknown ? Tasks[K] : never>(pathToFileURL(TASKS), name);

describe.skipIf(REDIS_URL === undefined)("DistributedExecutor with cc-workers (real Redis)", () => {
  const url = REDIS_URL!;
  const queue = freshQueue();
  let executor: DistributedExecutor;
  let workers: WorkerProcess[];
  let redis: Redis;

  beforeAll(async () => {
    workers = [
      startWorker(url, queue, ["--tasks", TASKS, "--concurrency", "4"]),
      startWorker(url, queue, ["--tasks", TASKS, "--concurrency", "4", "--execute", "threads"]),
    ];
    await Promise.all(workers.map((w) => w.ready));
    executor = new DistributedExecutor({ connection: url, queue });
    redis = new Redis(url);
  });

  afterAll(async () => {
    try {
      await executor?.shutdown({ cancelFutures: true, timeout: 5000 });
    } finally {
      redis?.disconnect();
      await killWorkers();
    }
  });

  test("results and values round-trip (Date, Map, bigint, Buffer, undefined), job id and attempt visible", async () => {
    expect(await executor.submit(t("add"), 2, 3)).toBe(5);
    const value = {
      d: new Date(5),
      m: new Map<unknown, unknown>([[1, 2n]]),
      b: Buffer.from("hi"),
      u: undefined,
      n: -0,
    };
    const back = (await executor.submit(t("echo"), value)) as typeof value;
    expect(back.d.getTime()).toBe(5);
    expect(back.m.get(1)).toBe(2n);
    // a Buffer arrives as a Buffer, or as a Uint8Array when the worker ran it in a thread (structured clone)
    expect(back.b).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back.b).toString()).toBe("hi");
    expect("u" in back && back.u === undefined).toBe(true);
    expect(Object.is(back.n, -0)).toBe(true);
    const me = (await executor.submit(t("whoami"))) as { id: string; attempt: number; name: string };
    expect(me.id.startsWith(`${executor.clientId}.`)).toBe(true);
    expect(me.attempt).toBe(1);
    expect(me.name).toBe("tasks.whoami");
  });

  test("a custom error class crosses with its name, message, stack, cause and own properties", async () => {
    const error = (await executor.submit(t("fail"), "bad input").catch((e: unknown) => e)) as RemoteError & {
      code: number;
    };
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.remoteClass).toBe("CustomError");
    expect(error.name).toBe("CustomError");
    expect(error.message).toBe("bad input");
    expect(error.code).toBe(42);
    expect(error.stack).toContain("tasks.mjs");
    expect(error.cause).toBeInstanceOf(RangeError);
    expect((error.cause as Error).message).toBe("inner cause");
  });

  test("futures work with wait, asCompleted and map (chunksize, order, errors)", async () => {
    const futures = Array.from({ length: 30 }, (_, i) => executor.submit(t("add"), i, 1));
    const { done, notDone } = await wait(futures);
    expect(done.size).toBe(30);
    expect(notDone.size).toBe(0);
    const seen = new Set<unknown>();
    for await (const f of asCompleted(Array.from({ length: 10 }, (_, i) => executor.submit(t("add"), i, 100)))) {
      seen.add(f.resultNow());
    }
    expect(seen.size).toBe(10);
    const items = Array.from({ length: 53 }, (_, i) => i);
    const out: unknown[] = [];
    for await (const y of executor.map(t("echo"), items, { chunksize: 7, buffersize: 3 })) out.push(y);
    expect(out).toEqual(items);
    const one: unknown[] = [];
    for await (const y of executor.map(
      t("echo"),
      (async function* () {
        yield* [3, 2, 1];
      })(),
    )) {
      one.push(y);
    }
    expect(one).toEqual([3, 2, 1]);
    await expect(async () => {
      for await (const _ of executor.map(t("fail"), ["x"])) {
      }
    }).rejects.toThrow("x");
  });

  test("map over several iterables submits when called; a failing item of a chunk raises at its place", async () => {
    const dir = latchDir();
    const it = executor.map(t("waitForCancel"), [dir], ["m"]);
    await waitForFile(join(dir, "started-m")); // running, and nobody iterated yet
    await it.return?.();
    expect(await waitForFile(join(dir, "aborted-m"))).toBe("CancelledError");

    function* forever(x: number) {
      for (;;) yield x;
    }
    const got: number[] = [];
    const error = await (async () => {
      for await (const y of executor.map(
        t("failOn"),
        Array.from({ length: 10 }, (_, i) => i),
        forever(5),
        {
          chunksize: 4,
        },
      )) {
        got.push(y);
      }
    })().catch((e: unknown) => e);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect((error as RemoteError).remoteClass).toBe("CustomError");
    expect((error as Error).message).toBe("item 5");
  });

  test("a task the workers were not started with fails with TaskLoadError, and its module is never imported", async () => {
    const marker = join(latchDir(), "imported");
    process.env.CC_EVIL_MARKER = marker;
    const evil = task(new URL("./testdata/evil.mjs", import.meta.url), "boom");
    const error = await executor.submit(evil).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskLoadError);
    expect((error as TaskLoadError).task.name).toBe("evil.boom");
    expect((error as Error).message).toContain("tasks.add");
    const unknown = await executor.submit(task(TASKS, "notThere")).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(TaskLoadError);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync("/tmp/cc-evil-imported")).toBe(false);
  });

  test("bad arguments fail at submit: too big (RangeError), not cloneable (CloneError)", () => {
    const small = new DistributedExecutor({ connection: url, queue, maxArgsBytes: 1000 });
    try {
      expect(() => small.submit(t("echo"), "x".repeat(2000))).toThrow(RangeError);
      expect(() => small.submit(t("echo"), "x".repeat(2000))).toThrow(/maxArgsBytes/);
      expect(() => small.submit(t("echo"), { f: () => 1 })).toThrow(CloneError);
      expect(() => small.submit(t("echo"), { f: () => 1 })).toThrow("args[0].f");
    } finally {
      void small.shutdown();
    }
  });

  test("cancel() of a queued job removes it from Redis", async () => {
    const idle = freshQueue(); // no worker reads it
    const other = new DistributedExecutor({ connection: url, queue: idle });
    const futures = [other.submit(t("add"), 1, 1), other.submit(t("add"), 2, 2)];
    await new Promise((r) => setImmediate(r));
    expect(futures[0]!.cancel()).toBe(true);
    await other.shutdown({ cancelFutures: true });
    expect(futures.every((f) => f.cancelled())).toBe(true);
    expect(await redis.llen(`cc:${idle}:wait`)).toBe(0);
    expect(await redis.keys(`cc:${idle}:${other.clientId}*`)).toEqual([]);
  });

  test("aborting a running job fires its task's signal on the worker; cancel() does too", async () => {
    const dir = latchDir();
    const controller = new AbortController();
    const future = executor.submitWith(t("waitForCancel"), [dir, "a"], { signal: controller.signal });
    await waitForFile(join(dir, "started-a"));
    controller.abort(new CancelledError("stop it"));
    await expect(future).rejects.toThrow("stop it");
    expect(await waitForFile(join(dir, "aborted-a"))).toBe("CancelledError");

    const second = executor.submit(t("waitForCancel"), dir, "b");
    await waitForFile(join(dir, "started-b"));
    expect(second.cancel()).toBe(true);
    expect(await waitForFile(join(dir, "aborted-b"))).toBe("CancelledError");
  });

  test('abort: "terminate" stops a task deaf to its signal (threads), and that worker runs on', async () => {
    const dir = latchDir();
    const q = freshQueue();
    const w = startWorker(url, q, ["--tasks", TASKS, "--concurrency", "1", "--execute", "threads"]);
    await w.ready;
    const ex = new DistributedExecutor({ connection: url, queue: q });
    try {
      const controller = new AbortController();
      const future = ex.submitWith(t("spin"), [dir, "s"], { signal: controller.signal, abort: "terminate" });
      await waitForFile(join(dir, "started-s"));
      controller.abort();
      await expect(future).rejects.toThrow();
      // concurrency 1: this runs only once the spinning thread was stopped
      expect(await ex.submit(t("add"), 20, 22)).toBe(42);
      // a timeout stops it hard too, and is not retried
      const late = ex.submitWith(t("spin"), [dir, "s2"], { timeout: 300, abort: "terminate", retries: 2, backoff: 1 });
      await expect(late).rejects.toBeInstanceOf(TimeoutError);
      expect(readFileSync(join(dir, "started-s2"), "utf8").trim().split("\n")).toHaveLength(1);
      expect(await ex.submit(t("add"), 1, 2)).toBe(3);
    } finally {
      await ex.shutdown();
      w.child.kill("SIGKILL");
    }
  });

  test.each(["in-process", "threads", "processes"])(
    "a TypeScript task module with an enum and a parameter property runs (--execute %s)",
    async (mode) => {
      const q = freshQueue();
      const tsTasks = join(import.meta.dirname, "testdata", "ts_tasks.ts");
      const w = startWorker(url, q, ["--tasks", tsTasks, "--concurrency", "1", "--execute", mode]);
      await w.ready;
      const ex = new DistributedExecutor({ connection: url, queue: q });
      try {
        const scale = task<(x: number, level: number) => number>(pathToFileURL(tsTasks), "scale");
        expect(await ex.submit(scale, 4, 2)).toBe(40);
      } finally {
        await ex.shutdown();
        w.child.kill("SIGKILL");
      }
    },
  );

  test("a timeout counts from the start on the worker: TimeoutError, and the task's signal aborts", async () => {
    const dir = latchDir();
    const error = await executor.submitWith(t("waitForCancel"), [dir, "t"], { timeout: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(await waitForFile(join(dir, "aborted-t"))).toBe("TimeoutError");
  });

  test("a worker started from another folder, with its own copy of the task module, runs the client's tasks", async () => {
    const home = join(latchDir(), "elsewhere");
    mkdirSync(home);
    const standalone = new URL("./testdata/standalone/tasks.mjs", import.meta.url);
    copyFileSync(standalone, join(home, "tasks.mjs"));
    const q = freshQueue();
    const w = startWorker(url, q, ["--tasks", "./tasks.mjs", "--concurrency", "1"], home);
    await w.ready;
    const ex = new DistributedExecutor({ connection: url, queue: q });
    try {
      expect(await ex.submit(task<(a: number, b: number) => number>(standalone, "add"), 1, 2)).toBe(3);
      const origin = (await ex.submit(task<() => string>(standalone, "origin"))) as string;
      expect(origin).toBe(pathToFileURL(join(home, "tasks.mjs")).href);
      expect(readFileSync(new URL(origin), "utf8")).toContain("export function origin");
    } finally {
      await ex.shutdown();
      w.child.kill("SIGKILL");
    }
  });

  test("no retries by default (Python); retries: n re-runs a task that threw, with backoff", async () => {
    await expect(executor.submit(t("flaky"))).rejects.toThrow("attempt 1 failed");
    expect(await executor.submitWith(t("flaky"), [], { retries: 1, backoff: 10 })).toBe(2);
    const retrying = new DistributedExecutor({
      connection: url,
      queue,
      retries: 2,
      backoff: { type: "exponential", delay: 5 },
    });
    try {
      expect(await retrying.submit(t("flaky"))).toBe(2);
    } finally {
      await retrying.shutdown();
    }
  });

  test("an ACL user with a password: ioredis options on the client, a URL on the worker", async () => {
    const user = `cc${process.pid}`;
    await redis.call("ACL", "SETUSER", user, "on", ">s3cret", "~*", "&*", "+@all");
    const q = freshQueue();
    const { hostname, port } = new URL(url);
    const w = startWorker(`redis://${user}:s3cret@${hostname}:${port}`, q, ["--tasks", TASKS, "--concurrency", "1"]);
    await w.ready;
    const ex = new DistributedExecutor({
      connection: { host: hostname, port: Number(port), username: user, password: "s3cret" },
      queue: q,
    });
    try {
      expect(await ex.submit(t("add"), 40, 2)).toBe(42);
    } finally {
      await ex.shutdown();
      w.child.kill("SIGKILL");
      await redis.call("ACL", "DELUSER", user);
    }
  });

  test("shutdown({ timeout }) cancels what still runs at the deadline, its task's signal aborting", async () => {
    const dir = latchDir();
    const ex = new DistributedExecutor({ connection: url, queue });
    const future = ex.submit(t("waitForCancel"), dir, "d");
    await waitForFile(join(dir, "started-d"));
    await ex.shutdown({ timeout: 100 });
    await expect(future).rejects.toBeInstanceOf(CancelledError);
    expect(await waitForFile(join(dir, "aborted-d"))).toBe("CancelledError");
  });

  test("submit after shutdown throws; shutdown is idempotent", async () => {
    const ex = new DistributedExecutor({ connection: url, queue });
    expect(await ex.submit(t("add"), 1, 1)).toBe(2);
    await ex.shutdown();
    await ex.shutdown();
    expect(() => ex.submit(t("add"), 1, 1)).toThrow(/after shutdown/);
  });
});
