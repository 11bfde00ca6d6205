// How much a worker that loads a TypeScript task module costs to start, beside one that loads
// JavaScript (issue 11's goal: the .ts path at most 1.5x the .mjs path's CPU per worker start).
// Each sample is a fresh Node process that starts N workers at once on the built cc (dist), runs one
// task of the module on each, and ends them; CPU is the process's own plus its reaped children's.
// Samples alternate .mjs/.ts so a slow patch of the shared machine hits both alike.
//
//   node ts_start.mjs [--threads=64] [--processes=8] [--reps=5] [--host-tsx]   (any Node: run it with that node)
//
// --host-tsx starts each sample as `tsx` would (`--import tsx`), the way TypeScript users run programs.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? "true"];
  }),
);
const REPS = Number(args.reps ?? 5);
const COUNTS = { thread: Number(args.threads ?? 64), process: Number(args.processes ?? 8) };

if (args.sample) {
  // one sample: start COUNT workers of `kind` on `ext`, run one task each, end them
  const { WorkerConnection, spawnWorker, task } = await import("@cc/core");
  const kind = args.sample;
  const count = Number(args.count);
  const ping = task(new URL(`./workers/start_task.${args.ext}`, import.meta.url), "ping");
  const ticks = () => {
    const f = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
  };
  const t0 = ticks();
  const w0 = performance.now();
  const connections = Array.from({ length: count }, () => new WorkerConnection(spawnWorker({ kind })));
  const out = await Promise.all(connections.map((c, i) => c.run(ping, [i])));
  if (out.some((v, i) => v !== i + 1)) throw new Error("wrong results");
  await Promise.all(connections.map((c) => c.close()));
  const wall = performance.now() - w0;
  console.log(JSON.stringify({ cpuMs: ((ticks() - t0) * 10) / count, wallMs: wall }));
  process.exit(0);
}

const hostFlags = args["host-tsx"] ? ["--import", import.meta.resolve("tsx")] : [];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `Node.js ${process.version}${hostFlags.length ? ", host under tsx" : ""}, ${REPS} samples each, CPU ms per worker start (median, min-max)\n`,
);
console.log("| transport | workers at once | .mjs | .ts | .ts ÷ .mjs |");
console.log("|---|---:|---:|---:|---:|");
for (const kind of ["thread", "process"]) {
  const samples = { mjs: [], ts: [] };
  for (let rep = 0; rep < REPS + 1; rep++) {
    for (const ext of ["mjs", "ts"]) {
      const r = spawnSync(
        process.execPath,
        [
          ...hostFlags,
          new URL(import.meta.url).pathname,
          `--sample=${kind}`,
          `--count=${COUNTS[kind]}`,
          `--ext=${ext}`,
        ],
        { encoding: "utf8", timeout: 300_000 },
      );
      if (r.status !== 0) throw new Error(`sample failed: ${r.stderr}`);
      if (rep > 0) samples[ext].push(JSON.parse(r.stdout).cpuMs); // the first round warms the caches
    }
  }
  const fmt = (xs) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  const ratio = median(samples.ts) / median(samples.mjs);
  console.log(`| ${kind} | ${COUNTS[kind]} | ${fmt(samples.mjs)} | ${fmt(samples.ts)} | ${ratio.toFixed(2)} |`);
}
