// Nothing is lost: a worker SIGKILLed mid-job, a worker stopped with SIGTERM mid-job, Redis restarted
// mid-run, and a client that stops reading while its results pile up.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { task, WorkerExitError } from "@cc/core";
import { wait } from "@cc/futures";
import { Queue } from "bullmq";
import { afterAll, describe, expect, test } from "vitest";
import { type RedisServer, startRedis } from "../../scripts/_redis.mjs";
import { DistributedExecutor } from "./distributed_executor.ts";
import { freshQueue, killWorkers, latchDir, REDIS_URL, startWorker, TASKS, waitForFile } from "./testdata/helpers.ts";

type Tasks = typeof import("./testdata/tasks.mjs");
const t = <K extends keyof Tasks & string>(name: K) =>
  task<Tasks[K] extends (...args: never[]) => unknown ? Tasks[K] : never>(pathToFileURL(TASKS), name);

// short BullMQ lock and stall intervals: a lost worker's job runs again after ~2 s instead of ~60 s
const FAST = ["--lock-duration", "1000", "--stalled-interval", "1000"];

describe.skipIf(REDIS_URL === undefined)("recovery (real Redis, cc-worker processes)", () => {
  const url = REDIS_URL!;
  afterAll(killWorkers);

  test("a worker SIGKILLed mid-job: its job finishes on another worker (attempt 2)", async () => {
    const dir = latchDir();
    const queue = freshQueue();
    const a = startWorker(url, queue, ["--tasks", TASKS, "--concurrency", "1", ...FAST]);
    await a.ready;
    await using executor = new DistributedExecutor({ connection: url, queue });
    const future = executor.submit(t("stickOnFirst"), dir);
    expect(Number(await waitForFile(join(dir, "first")))).toBe(a.pid);
    const b = startWorker(url, queue, ["--tasks", TASKS, "--concurrency", "1", ...FAST]);
    await b.ready;
    a.child.kill("SIGKILL");
    expect((await a.exited).signal).toBe("SIGKILL");
    expect(await future).toEqual({ attempt: 2, pid: b.pid });
    b.child.kill("SIGKILL");
  });

  test("a job lost with its worker more than --max-stalled-count times fails its future with WorkerExitError", async () => {
    const dir = latchDir();
    const queue = freshQueue();
    const args = ["--tasks", TASKS, "--concurrency", "1", "--max-stalled-count", "0", ...FAST];
    const a = startWorker(url, queue, args);
    await a.ready;
    await using executor = new DistributedExecutor({ connection: url, queue, sweepInterval: 300 });
    const future = executor.submit(t("stickOnFirst"), dir);
    expect(Number(await waitForFile(join(dir, "first")))).toBe(a.pid);
    const b = startWorker(url, queue, args); // its stalled-job check finds the lost job
    await b.ready;
    a.child.kill("SIGKILL");
    const error = await future.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect((error as Error).message).toMatch(/stalled/);
    b.child.kill("SIGKILL");
  });

  test("a job removed from Redis behind the client's back fails its future instead of leaving it waiting", async () => {
    const queue = freshQueue(); // no worker
    await using executor = new DistributedExecutor({ connection: url, queue, sweepInterval: 200 });
    const future = executor.submit(t("add"), 1, 2);
    const other = new Queue(queue, { connection: { url }, prefix: "cc" });
    try {
      const id = `${executor.clientId}.1`;
      while ((await other.getJob(id)) === undefined) await new Promise((r) => setImmediate(r));
      expect(await other.remove(id)).toBe(1);
      await expect(future).rejects.toThrow(/no longer in Redis/);
    } finally {
      await other.close();
    }
  });

  test("SIGTERM mid-job: the worker hands the job back within its grace time and exits 0; another runs it", async () => {
    const dir = latchDir();
    const queue = freshQueue();
    const a = startWorker(url, queue, ["--tasks", TASKS, "--concurrency", "1", "--grace", "200", ...FAST]);
    await a.ready;
    await using executor = new DistributedExecutor({ connection: url, queue });
    const future = executor.submit(t("stickOnFirst"), dir);
    expect(Number(await waitForFile(join(dir, "first")))).toBe(a.pid);
    const b = startWorker(url, queue, ["--tasks", TASKS, "--concurrency", "1", ...FAST]);
    await b.ready;
    a.child.kill("SIGTERM");
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(a.output()).toContain("handing them back");
    expect(await future).toEqual({ attempt: 2, pid: b.pid });
    b.child.kill("SIGKILL");
  });

  describe("with a Redis of its own", () => {
    let redis: RedisServer | null = null;
    afterAll(async () => {
      await killWorkers();
      await redis?.stop();
    });

    test("SIGTERM while Redis is gone: cc-worker still exits 0, its close raced against timers (bullmq#2430)", async () => {
      const own = await startRedis();
      const queue = freshQueue();
      const w = startWorker(own!.url, queue, ["--tasks", TASKS, "--concurrency", "1", "--grace", "300"]);
      try {
        await w.ready;
        await own!.kill();
        w.child.kill("SIGTERM");
        expect(await w.exited).toEqual({ code: 0, signal: null });
      } finally {
        await own!.stop();
      }
    });

    test("Redis restarted mid-run: every future resolves with its own result", async () => {
      redis = await startRedis();
      const own = redis!.url;
      const queue = freshQueue();
      const workers = [0, 1].map(() => startWorker(own, queue, ["--tasks", TASKS, "--concurrency", "32", ...FAST]));
      await Promise.all(workers.map((w) => w.ready));
      await using executor = new DistributedExecutor({ connection: own, queue, sweepInterval: 500 });
      const first = Array.from({ length: 200 }, (_, i) => executor.submit(t("add"), i, 1000));
      await first[0]; // the jobs are in Redis, the workers at work
      expect(first.filter((f) => !f.done()).length).toBeGreaterThan(0);
      await redis!.restart({ downMs: 300 });
      const second = Array.from({ length: 200 }, (_, i) => executor.submit(t("add"), i, 2000));
      const all = [...first, ...second];
      const { done, notDone } = await wait(all);
      expect(notDone.size).toBe(0);
      expect(all.map((f) => f.resultNow())).toEqual([
        ...Array.from({ length: 200 }, (_, i) => i + 1000),
        ...Array.from({ length: 200 }, (_, i) => i + 2000),
      ]);
      expect(done.size).toBe(400);
    });
  });

  test("a client that stops reading while its results pile up gets every result once it reads again", async () => {
    const queue = freshQueue();
    const workers = [0, 1].map(() => startWorker(url, queue, ["--tasks", TASKS, "--concurrency", "50"]));
    await Promise.all(workers.map((w) => w.ready));
    await using executor = new DistributedExecutor({ connection: url, queue });
    const n = 600; // one addBulk: all in Redis once the first result is back
    const futures = Array.from({ length: n }, (_, i) => executor.submit(t("add"), i, 1));
    await futures[0];
    // stall this process's event loop until the queue is empty: every result lands while nobody reads
    const port = new URL(url).port;
    const count = (key: string) =>
      Number(spawnSync("redis-cli", ["-p", port, "LLEN", `cc:${queue}:${key}`], { encoding: "utf8" }).stdout.trim());
    while (count("wait") + count("active") > 0) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
    const piled = spawnSync("redis-cli", ["-p", port, "XLEN", `cc:${queue}:cc:results:${executor.clientId}`], {
      encoding: "utf8",
    }).stdout.trim();
    expect(Number(piled)).toBeGreaterThan(n / 2); // the results waited in Redis, unread
    const { notDone } = await wait(futures);
    expect(notDone.size).toBe(0);
    expect(futures.every((f, i) => f.resultNow() === i + 1)).toBe(true);
  });
});
