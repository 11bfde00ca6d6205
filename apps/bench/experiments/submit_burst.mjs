// Section A's burst (50,000 × `inc` submitted together, `await Promise.all`, 2 workers) in one process,
// with what the wall time is made of on the main thread: its event loop's idle share, its own CPU time
// (from /proc, 10 ms resolution), the garbage collector's pauses, and the bytes each queued task keeps
// alive. Used for issue 15 (the engine's submit path next to raw-batch64's).
//   node experiments/submit_burst.mjs                 cc, from the built dist of @cc/executors
//   node experiments/submit_burst.mjs --raw           raw-batch64 (lib/raw.mjs)
//   node experiments/submit_burst.mjs --dist=/path/to/other/dist/mod.js   another build of @cc/executors
// Alternate builds process by process (A B A B …) on a shared machine, and compare within a pair.
import { readFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc"); // here, not on the command line: workers refuse the flag
const gc = runInNewContext("gc");
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}`));
const N = 50_000;
const ROUNDS = 6;

let submit;
let close;
if (arg("raw")) {
  const { createMessagePool } = await import("../lib/raw.mjs");
  const pool = createMessagePool(2, 64);
  submit = (i) => pool.run("inc", i);
  close = () => pool.destroy();
} else {
  const dist = arg("dist")?.slice("--dist=".length);
  const { ThreadPoolExecutor } = await import(dist ?? "@cc/executors");
  const { task } = await import("@cc/core");
  const inc = task(new URL("../workers/cc_tasks.mjs", import.meta.url), "inc");
  const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
  submit = (i) => pool.submit(inc, i);
  close = () => pool.shutdown();
}

async function burst(n, measureRetained) {
  if (measureRetained) gc();
  const before = process.memoryUsage().heapUsed;
  const ps = new Array(n);
  for (let i = 0; i < n; i++) ps[i] = submit(i);
  const all = Promise.all(ps);
  if (measureRetained) gc();
  const retained = (process.memoryUsage().heapUsed - before) / n;
  const ys = await all;
  for (let i = 0; i < n; i++) if (ys[i] !== i + 1) throw new Error(`wrong result ${ys[i]} at ${i}`);
  return retained;
}

const mainCpuMs = () => {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
};

await burst(5000, false); // warm-up
const retained = await burst(N, true);
let gcMs = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
observer.observe({ entryTypes: ["gc"] });
const rates = [];
const idle = [];
const cpu0 = mainCpuMs();
const t0 = performance.now();
for (let r = 0; r < ROUNDS; r++) {
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  await burst(N, false);
  const ms = performance.now() - start;
  rates.push(N / ms);
  idle.push(performance.eventLoopUtilization(elu).idle / ms);
}
const wall = performance.now() - t0;
const cpu = mainCpuMs() - cpu0;
observer.disconnect();
await close();
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const perTask = (ms) => ((ms * 1000) / (ROUNDS * N)).toFixed(2);
console.log(
  `${Math.round(median(rates))}k tasks/s, main thread idle ${(100 * median(idle)).toFixed(0)}%, ` +
    `per task: wall ${perTask(wall)} µs, main CPU ${perTask(cpu)} µs, GC pauses ${perTask(gcMs)} µs, ` +
    `${Math.round(retained)} bytes kept alive while queued`,
);
