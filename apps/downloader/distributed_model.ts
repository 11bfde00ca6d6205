/**
 * The tour's last model: the course's ProcessPoolExecutor program with one line changed — a
 * `DistributedExecutor` (`@cc/distributed`) instead of the `ProcessPoolExecutor`. The downloads become
 * jobs in a Redis queue, run by two `cc-worker` processes standing in for two machines. The demo starts
 * a private `redis-server` on a free loopback port and the two workers before the model is timed, and
 * stops them after; without `redis-server` the model is skipped with a one-line reason.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DistributedExecutor } from "@cc/distributed";
import { type DownloadModel, executorModel, ModelUnavailableError } from "./models.ts";

/** A running `redis-server` of the repository's scripts/_redis.mjs. */
interface Redis {
  readonly url: string;
  stop(): Promise<void>;
}
interface RedisScript {
  ensureRedisServer: { (): string | null; reason?: string };
  startRedis(): Promise<Redis | null>;
}

/** The repository's scripts/_redis.mjs (the demo runs from a clone), found from this file upwards. */
async function redisScript(): Promise<RedisScript> {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, "scripts", "_redis.mjs");
    if (existsSync(file)) return (await import(new URL(`file://${file}`).href)) as RedisScript;
    if (dirname(dir) === dir)
      throw new ModelUnavailableError("scripts/_redis.mjs not found (run the demo from a clone)");
  }
}

/** `cc-worker`'s script: the `bin` of @cc/distributed, beside its entry point. */
function workerScript(): string {
  return fileURLToPath(new URL("./cli.js", import.meta.resolve("@cc/distributed")));
}

/** Starts one `cc-worker` and resolves once it says it is ready. */
function startWorker(redis: string, queue: string, concurrency: number): Promise<ChildProcess> {
  // the built module (run from the sources, as the tests do, the worker still loads dist/: the task
  // travels by name, `download.fetchUserPicture`, so both copies answer to it)
  const tasks = fileURLToPath(
    new URL(import.meta.url.endsWith(".ts") ? "./dist/download.js" : "./download.js", import.meta.url),
  );
  const child = spawn(
    process.execPath,
    [workerScript(), "--redis", redis, "--queue", queue, "--tasks", tasks, "--concurrency", String(concurrency)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk;
      if (output.includes("cc-worker ready")) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      reject(new Error(`cc-worker exited (${code ?? signal}) before it was ready:\n${output.trim()}`)),
    );
  });
}

/** Stops a worker (SIGTERM: it finishes or hands back its jobs) and waits for its exit. */
async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

let current: { url: string; queue: string } | undefined;

const inner = executorModel(
  "distributed",
  "a DistributedExecutor: jobs in a local Redis, run by two cc-worker processes (needs redis-server)",
  () => {
    if (!current) throw new Error("the distributed model runs after its prepare()");
    return new DistributedExecutor({ connection: current.url, queue: current.queue });
  },
);

/**
 * Downloads as jobs in a Redis queue, run by two `cc-worker` processes: the course's
 * ProcessPoolExecutor program with the executor changed. `prepare()` starts Redis and the workers.
 *
 * @example
 * ```ts ignore
 * import { distributedModel, startServer } from "./mod.ts";
 * await using server = await startServer();
 * await using _ = await distributedModel.prepare!({ concurrency: 4 });
 * const outcomes = await distributedModel.run([1, 2], { baseUrl: server.url, outDir: "output", concurrency: 4 });
 * console.assert(outcomes.every((o) => o.ok));
 * ```
 */
export const distributedModel: DownloadModel = {
  ...inner,
  async prepare({ concurrency }) {
    const script = await redisScript();
    if (!script.ensureRedisServer())
      throw new ModelUnavailableError(script.ensureRedisServer.reason ?? "no redis-server");
    const redis = await script.startRedis();
    if (!redis) throw new ModelUnavailableError(script.ensureRedisServer.reason ?? "no redis-server");
    const queue = `demo-${process.pid}`;
    const per = Math.max(1, Math.ceil(concurrency / 2));
    const started = await Promise.allSettled([startWorker(redis.url, queue, per), startWorker(redis.url, queue, per)]);
    const workers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = started.find((r) => r.status === "rejected");
    if (failed) {
      await Promise.all(workers.map(stopWorker));
      await redis.stop();
      throw failed.reason;
    }
    current = { url: redis.url, queue };
    return {
      async [Symbol.asyncDispose]() {
        current = undefined;
        await Promise.all(workers.map(stopWorker));
        await redis.stop();
      },
    };
  },
};
