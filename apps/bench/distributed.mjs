#!/usr/bin/env node
// @cc/distributed against raw BullMQ 6, in one run, on one private redis-server (scripts/_redis.mjs):
//   1. tiny-task throughput, one job per item: raw `Queue.addBulk` + `Worker` (results counted by a
//      QueueEvents listener) vs `executor.submit` one by one (cc batches a tick's submits into one addBulk);
//   2. `executor.map` with `chunksize` vs raw BullMQ's items per second from (1);
//   3. sequential round trip (add, wait for the result, next): raw `queue.add` + one QueueEvents listener and
//      a Map of waiters vs `await executor.submit(...)`.
// Each side's worker is one separate process with the same concurrency (raw: a BullMQ Worker; cc: cc-worker,
// in-process). This file is also the task module the cc-worker runs (`--tasks distributed.mjs`).
//
//   node apps/bench/distributed.mjs [--n 5000] [--map-n 20000] [--chunksize 100] [--rt 300] [--concurrency 50] [--reps 3]
// Needs a build (`npm run build`): it loads packages/distributed/dist and the cc-worker bin from there.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The tiny task: the same work on both sides. */
export function double(x) {
  return x * 2;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const distPkg = join(root, "packages", "distributed");
const requireFromDist = createRequire(join(distPkg, "package.json"));
const loadBullmq = () => import(pathToFileURL(requireFromDist.resolve("bullmq")).href);

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function rawWorker(url, queue, concurrency) {
  const { Worker } = await loadBullmq();
  const worker = new Worker(queue, async (job) => ({ r: double(job.data.i) }), {
    connection: { url, maxRetriesPerRequest: null },
    prefix: "raw",
    concurrency,
  });
  await worker.waitUntilReady();
  console.log("raw-worker ready");
  process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
}

function startChild(args, readyLine) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], cwd: here });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
      if (out.includes(readyLine)) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}: ${out}`)));
  });
}

/** CPU ms of a process (Linux /proc; 0 elsewhere). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));

async function main() {
  const N = arg("n", 5000);
  const MAP_N = arg("map-n", 20_000);
  const CHUNK = arg("chunksize", 100);
  const RT = arg("rt", 300);
  const CONC = arg("concurrency", 50);
  const REPS = arg("reps", 3);
  const { startRedis } = await import(pathToFileURL(join(root, "scripts", "_redis.mjs")).href);
  const redis = await startRedis();
  if (!redis) {
    console.log("distributed bench skipped: redis-server is missing (see scripts/_redis.mjs)");
    return;
  }
  const { Queue, QueueEvents } = await loadBullmq();
  const { task } = await import(pathToFileURL(requireFromDist.resolve("@cc/core")).href);
  const { wait } = await import(pathToFileURL(requireFromDist.resolve("@cc/futures")).href);
  const { DistributedExecutor } = await import(pathToFileURL(join(distPkg, "dist", "mod.js")).href);
  const children = [];
  try {
    const rawQ = "rawq";
    children.push(
      await startChild(
        [fileURLToPath(import.meta.url), "--raw-worker", redis.url, rawQ, String(CONC)],
        "raw-worker ready",
      ),
    );
    children.push(
      await startChild(
        [
          join(distPkg, "dist", "cli.js"),
          "--redis",
          redis.url,
          "--queue",
          "ccq",
          "--tasks",
          "distributed.mjs",
          "--concurrency",
          String(CONC),
        ],
        "cc-worker ready",
      ),
    );
    const queue = new Queue(rawQ, { connection: { url: redis.url }, prefix: "raw" });
    const events = new QueueEvents(rawQ, { connection: { url: redis.url }, prefix: "raw" });
    await events.waitUntilReady();
    const ccQueue = new Queue("ccq", { connection: { url: redis.url }, prefix: "cc" });
    const executor = new DistributedExecutor({ connection: redis.url, queue: "ccq" });
    const doubleTask = task(import.meta.url, "double");
    let seq = 0;

    // 1. throughput, one job per item
    const [rawChild, ccChild] = children;
    const cpu = { raw: { client: 0, worker: 0, redis: 0 }, cc: { client: 0, worker: 0, redis: 0 } };
    const measure = async (side, workerPid, fn) => {
      const c0 = process.cpuUsage();
      const w0 = cpuMs(workerPid);
      const r0 = cpuMs(redis.pid);
      await fn();
      const c = process.cpuUsage(c0);
      cpu[side].client += (c.user + c.system) / 1000;
      cpu[side].worker += cpuMs(workerPid) - w0;
      cpu[side].redis += cpuMs(redis.pid) - r0;
    };
    const rawRuns = [];
    const ccRuns = [];
    const mapRuns = [];
    await executor.submit(doubleTask, 1); // warm-up
    for (let rep = 0; rep < REPS; rep++) {
      await measure("raw", rawChild.pid, async () => {
        let done = 0;
        const t0 = performance.now();
        const finished = new Promise((resolve) => {
          const on = () => {
            if (++done === N) {
              events.off("completed", on);
              resolve();
            }
          };
          events.on("completed", on);
        });
        const jobs = Array.from({ length: N }, (_, i) => ({
          name: "t",
          data: { i },
          opts: { jobId: `r${seq++}`, removeOnComplete: true },
        }));
        for (let i = 0; i < N; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
        await finished;
        rawRuns.push((N / (performance.now() - t0)) * 1000);
      });
      await measure("cc", ccChild.pid, async () => {
        const t0 = performance.now();
        const futures = [];
        for (let i = 0; i < N; i++) futures.push(executor.submit(doubleTask, i));
        await wait(futures);
        ccRuns.push((N / (performance.now() - t0)) * 1000);
      });
      {
        const t0 = performance.now();
        let sum = 0;
        for await (const y of executor.map(
          doubleTask,
          Array.from({ length: MAP_N }, (_, i) => i),
          { chunksize: CHUNK },
        ))
          sum += y;
        if (sum !== MAP_N * (MAP_N - 1)) throw new Error(`map gave a wrong sum: ${sum}`);
        mapRuns.push((MAP_N / (performance.now() - t0)) * 1000);
      }
    }

    // 3. sequential round trip
    const waiters = new Map();
    events.on("completed", ({ jobId }) => waiters.get(jobId)?.());
    const rawRt = [];
    const ccRt = [];
    for (let i = 0; i < RT + 20; i++) {
      const id = `rt${seq++}`;
      const t0 = performance.now();
      const done = new Promise((resolve) => waiters.set(id, resolve));
      await queue.add("t", { i }, { jobId: id, removeOnComplete: true });
      await done;
      waiters.delete(id);
      if (i >= 20) rawRt.push(performance.now() - t0);
    }
    for (let i = 0; i < RT + 20; i++) {
      const t0 = performance.now();
      await executor.submit(doubleTask, i);
      if (i >= 20) ccRt.push(performance.now() - t0);
    }
    const f = (x) => Math.round(x).toLocaleString("en");
    const ms = (x) => x.toFixed(2);
    console.log(`\n@cc/distributed vs raw BullMQ (1 worker process each, concurrency ${CONC}; median of ${REPS})\n`);
    console.log("| measure | raw BullMQ | cc | cc / raw |");
    console.log("|---|---:|---:|---:|");
    console.log(
      `| tiny tasks, one job per item (${N}), items/s | ${f(median(rawRuns))} | ${f(median(ccRuns))} submit one by one | ${(median(ccRuns) / median(rawRuns)).toFixed(2)}× |`,
    );
    console.log(
      `| map, chunksize ${CHUNK} (${MAP_N} items), items/s | ${f(median(rawRuns))} (one job per item) | ${f(median(mapRuns))} | ${(median(mapRuns) / median(rawRuns)).toFixed(1)}× |`,
    );
    console.log(
      `| sequential round trip (${RT}), median ms | ${ms(median(rawRt))} | ${ms(median(ccRt))} | ${(median(ccRt) / median(rawRt)).toFixed(2)}× |`,
    );
    console.log(`| sequential round trip, p99 ms | ${ms(pct(rawRt, 0.99))} | ${ms(pct(ccRt, 0.99))} | |`);
    const per1k = (side) =>
      ["client", "worker", "redis"].map((k) => `${k} ${Math.round((cpu[side][k] / (N * REPS)) * 1000)}`).join(", ");
    console.log(`\nCPU ms per 1,000 tiny jobs (one job per item): raw ${per1k("raw")}; cc ${per1k("cc")}`);
    console.log(
      `runs: raw ${rawRuns.map(f).join(", ")}; cc submit ${ccRuns.map(f).join(", ")}; cc map ${mapRuns.map(f).join(", ")}`,
    );
    await executor.shutdown();
    await events.close();
    await queue.close();
    await ccQueue.close();
  } finally {
    for (const c of children) c?.kill("SIGKILL");
    await redis.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === "--raw-worker") await rawWorker(process.argv[3], process.argv[4], Number(process.argv[5]));
  else await main();
}
