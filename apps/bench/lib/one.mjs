// One measurement of one adapter in this fresh process; prints one JSON line on stdout.
//   node lib/one.mjs <throughput|latency|cpu|startup> <adapter> ['{"n":50000}']
//   node lib/one.mjs map cc '{"transport":"process","mode":"map"}'   (section M, see mapThroughput)
// run.mjs starts one such process per (section, adapter, repetition).
import { readdirSync, readFileSync } from "node:fs";

const [bench, name, optJson] = process.argv.slice(2);
const opt = optJson ? JSON.parse(optJson) : {};
const now = () => performance.now();
const mb = (bytes) => Math.round(bytes / 104857.6) / 10;

// Worker threads count in this process's RSS; this adds the RSS of direct child processes, if any.
function rss() {
  let sum = process.memoryUsage().rss;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (+stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] !== process.pid) continue;
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${d}/status`, "utf8"));
      if (m) sum += +m[1] * 1024;
    } catch {}
  }
  return sum;
}

async function burst(pool, n, base) {
  const ps = new Array(n);
  for (let i = 0; i < n; i++) ps[i] = pool.run("inc", base + i);
  const ys = await Promise.all(ps);
  for (let i = 0; i < n; i++) if (ys[i] !== base + i + 1) throw new Error(`wrong result ${ys[i]} at ${i}`);
}

async function throughput(a) {
  const { size = 2, n = 50_000, rounds = 3, warmup = 5000 } = opt;
  const mod = await a.load();
  const rssBase = rss();
  const pool = await a.create(mod, size);
  await burst(pool, warmup, 0);
  const rssAfterWarm = rss();
  const samples = [];
  let rssAfterFirst = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = now();
    await burst(pool, n, r * 7);
    samples.push(n / ((now() - t0) / 1000));
    if (r === 0) rssAfterFirst = rss();
  }
  const rssEnd = rss();
  await pool.destroy();
  return {
    unit: "tasks/s",
    samples,
    mem: { base: mb(rssBase), afterWarmup: mb(rssAfterWarm), afterFirst: mb(rssAfterFirst), end: mb(rssEnd) },
  };
}

async function latency(a) {
  const { size = 2, n = 5000, rounds = 3, warmup = 500 } = opt;
  const pool = await a.create(await a.load(), size);
  for (let i = 0; i < warmup; i++) await pool.run("inc", i);
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = now();
    for (let i = 0; i < n; i++) if ((await pool.run("inc", i)) !== i + 1) throw new Error("wrong result");
    samples.push(((now() - t0) * 1000) / n);
  }
  await pool.destroy();
  return { unit: "us/trip", samples };
}

async function cpuBound(a) {
  const { size = 2, tasks = 200, n, rounds = 1 } = opt;
  const { CPU_N } = await import("./tasks.mjs");
  const arg = n ?? CPU_N;
  const pool = await a.create(await a.load(), size);
  // warm every worker (start-up, module load, JIT) before timing
  await Promise.all(Array.from({ length: 2 * size }, () => pool.run("cpu", arg)));
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = now();
    const ps = new Array(tasks);
    for (let i = 0; i < tasks; i++) ps[i] = pool.run("cpu", arg);
    await Promise.all(ps);
    samples.push(now() - t0);
  }
  await pool.destroy();
  return { unit: "ms", samples };
}

async function startup(a) {
  const t0 = now();
  const mod = await a.load();
  const t1 = now();
  const pool = await a.create(mod, opt.size ?? 2);
  const y = await pool.run("inc", 41);
  const t2 = now();
  if (y !== 42) throw new Error("wrong result");
  await pool.destroy();
  return { unit: "ms", samples: [t2 - t1], importMs: t1 - t0 };
}

// M: map over a lazy iterable of n tiny items, against the same items submitted in batches.
// opt.transport "thread" | "process"; opt.mode "map" (defaults), "map100" (chunksize 100), "mapBuffer8"
// (buffersize 8: the default before issue 15), "submit" (submit in a loop, await Promise.all of every
// opt.batch futures), "imap" / "imapUnordered" / "poolmap" / "poolmapPython" (Pool, processes only). `run` is not an adapter of POOLS: it measures cc's own entry points.
async function mapThroughput() {
  const { transport = "thread", mode = "map", n = 200_000, rounds = 3, warmup = 20_000, batch = 1000, size = 2 } = opt;
  const core = await import("@cc/core");
  const inc = core.task(new URL("../workers/cc_tasks.mjs", import.meta.url), "inc");
  let executor;
  let pool;
  if (mode === "imap" || mode === "imapUnordered" || mode.startsWith("poolmap")) {
    const { Pool } = await import("@cc/processes");
    pool = new Pool({ processes: size });
  } else if (transport === "process") {
    const { ProcessPoolExecutor } = await import("@cc/processes");
    executor = new ProcessPoolExecutor({ maxWorkers: size });
  } else {
    const { ThreadPoolExecutor } = await import("@cc/executors");
    executor = new ThreadPoolExecutor({ maxWorkers: size });
  }
  function* items(count, base) {
    for (let i = 0; i < count; i++) yield base + i;
  }
  async function once(count, base) {
    let sum = 0;
    if (mode === "submit") {
      let futures = [];
      for (const x of items(count, base)) {
        futures.push(executor.submit(inc, x));
        if (futures.length === batch) {
          for (const y of await Promise.all(futures)) sum += y;
          futures = [];
        }
      }
      for (const y of await Promise.all(futures)) sum += y;
    } else if (mode === "poolmap" || mode === "poolmapPython") {
      // poolmapPython: Python's default chunksize, ceil(items / (4 × processes)), cc's default until issue 15
      const options = mode === "poolmap" ? {} : { chunksize: Math.ceil(count / (4 * size)) };
      for (const y of await pool.map(inc, items(count, base), options)) sum += y;
    } else {
      const it =
        mode === "map"
          ? executor.map(inc, items(count, base))
          : mode === "map100"
            ? executor.map(inc, items(count, base), { chunksize: 100 })
            : mode === "mapBuffer8"
              ? executor.map(inc, items(count, base), { buffersize: 8 })
              : mode === "imap"
                ? pool.imap(inc, items(count, base))
                : pool.imapUnordered(inc, items(count, base));
      let i = 0;
      for await (const y of it) {
        if (mode !== "imapUnordered" && y !== base + i + 1) throw new Error(`wrong result ${y} at ${i}`);
        sum += y;
        i++;
      }
    }
    const expected = count * (base + 1) + (count * (count - 1)) / 2;
    if (sum !== expected) throw new Error(`wrong sum ${sum}, expected ${expected}`);
  }
  await once(warmup, 0);
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = now();
    await once(n, r * 7);
    samples.push(n / ((now() - t0) / 1000));
  }
  if (pool) await pool.terminate();
  else await executor.shutdown();
  return { unit: "items/s", samples };
}

const BENCHES = { throughput, latency, cpu: cpuBound, startup, map: mapThroughput };
// startup must import the adapters lazily too: loading adapters.mjs itself imports nothing heavy.
const { POOLS } = await import("./adapters.mjs");
const adapter = POOLS[name];
if ((!adapter && bench !== "map") || !BENCHES[bench]) throw new Error(`unknown bench/adapter: ${bench} ${name}`);
const out = await BENCHES[bench](adapter);
process.stdout.write(`${JSON.stringify({ bench, adapter: name, opt, ...out })}\n`);
process.exit(0);
