// Side-by-side benchmark of cc's thread pool (ThreadPoolExecutor) against piscina, tinypool,
// workerpool, threads.js, poolifier and hand-written worker_threads designs, plus the @cc/futures and
// @cc/async scripts (futures.ts, async.ts). The method is the one of /work/shared/peers: every
// measurement runs in a fresh child process (lib/one.mjs), repetitions go round the adapters in turn
// (A B C … A B C …) so a slow patch of the shared machine hits them all alike, and tables give the
// median with min and max over all samples.
//
//   node run.mjs [--quick] [--only=A,C,D,G,H,M,futures,async,<adapter>…] [--reps=N] [--json=path]
//
// Build first: pnpm exec turbo run build --filter=bench... (or `pnpm run bench` through turbo).
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { POOLS } from "./lib/adapters.mjs";

const HERE = new URL(".", import.meta.url).pathname;
const require = createRequire(import.meta.url);
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? "true"];
  }),
);
const QUICK = args.quick === "true";
const SECTIONS = ["A", "C", "D", "G", "H", "M", "futures", "async"];
const only = args.only ? args.only.split(",") : [];
const onlySections = new Set(only.filter((x) => SECTIONS.includes(x)));
const onlyAdapters = new Set(only.filter((x) => !SECTIONS.includes(x)));
for (const x of onlyAdapters) if (!POOLS[x]) throw new Error(`--only: unknown section or adapter "${x}"`);
const want = (s) => onlySections.size === 0 || onlySections.has(s);
const pick = (names) => names.filter((n) => onlyAdapters.size === 0 || onlyAdapters.has(n));
const TIMEOUT_S = Number(args.timeout ?? 120);

// Sizes: the default run takes about 9 minutes on 2 cores, --quick about 1.5.
const CFG = QUICK
  ? {
      reps: { A: 1, C: 1, D: 1, G: 3, M: 1 },
      A: { n: 20_000, rounds: 2, warmup: 2000 },
      M: { n: 50_000, rounds: 2, warmup: 20_000 },
      C: { n: 1000, rounds: 2, warmup: 200 },
      D: { tasks: 60 },
      threadsA: { n: 500, rounds: 1, warmup: 50 },
      threadsC: { n: 100, rounds: 1, warmup: 10 },
      futuresEnv: { ROUNDS: "2", N: "200000", AS_COMPLETED_N: "20000" },
      asyncEnv: { ROUNDS: "1", N: "20000", QUEUE_N: "100000" },
    }
  : {
      reps: { A: 4, C: 4, D: 4, G: 10, M: 4 },
      A: { n: 50_000, rounds: 3, warmup: 5000 },
      M: { n: 200_000, rounds: 3, warmup: 100_000 },
      C: { n: 5000, rounds: 3, warmup: 500 },
      D: { tasks: 200 },
      // threads.js defers every task by setTimeout(0) and every queued task subscribes to one shared
      // event stream (quadratic): 50k tasks do not finish in minutes, so it runs smaller counts.
      threadsA: { n: 2000, rounds: 2, warmup: 100 },
      threadsC: { n: 500, rounds: 2, warmup: 20 },
      futuresEnv: {},
      asyncEnv: {},
    };
if (args.reps) for (const k of Object.keys(CFG.reps)) CFG.reps[k] = Number(args.reps) * (k === "G" ? 2 : 1);

const PEERS = ["piscina", "tinypool", "workerpool", "threads", "poolifier"];
const RAW = ["raw-naive", "raw-batch64", "raw-sab"];
// child processes (issue 15): cc's ProcessPoolExecutor and hand-written fork pools, in C and D
const PROCESS = ["cc-process", "fork-json", "fork-advanced"];

function version(pkg) {
  if (!pkg) return "–";
  try {
    return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")).version;
  } catch {
    try {
      return JSON.parse(readFileSync(`${HERE}node_modules/${pkg}/package.json`, "utf8")).version;
    } catch {
      return "?";
    }
  }
}

function runChild(file, argv, { env, cwd = HERE } = {}) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [file, ...argv], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), TIMEOUT_S * 1000);
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.stderr.on("data", (d) => {
      err += d;
    });
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

async function runOne(bench, adapter, opt) {
  const { code, out, err } = await runChild("lib/one.mjs", [bench, adapter, JSON.stringify(opt)]);
  try {
    return JSON.parse(out.trim().split("\n").pop());
  } catch {
    return { error: `exit ${code}: ${err.trim().split("\n").slice(0, 4).join(" | ")}` };
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) =>
  x === undefined || x === null || !Number.isFinite(x)
    ? "–"
    : Math.abs(x) >= 1e6
      ? `${(x / 1e6).toFixed(2)} M`
      : Math.abs(x) >= 100_000
        ? `${(x / 1000).toFixed(0)}k`
        : Math.abs(x) >= 1000
          ? Math.round(x).toLocaleString("en")
          : Math.abs(x) >= 10
            ? x.toFixed(1)
            : x.toFixed(2);

// configs: [label, bench, adapter, opt]; each repetition runs every config once, in turn.
async function measure(configs, reps) {
  const acc = new Map(
    configs.map(([label, bench, adapter, opt]) => [
      label,
      { label, bench, adapter, opt, samples: [], runs: [], errors: [] },
    ]),
  );
  for (let r = 0; r < reps; r++) {
    for (const [label, bench, adapter, opt] of configs) {
      const res = await runOne(bench, adapter, opt);
      const a = acc.get(label);
      if (res.error) {
        a.errors.push(res.error);
        process.stderr.write(`  ! ${bench} ${label}: ${res.error}\n`);
        continue;
      }
      a.samples.push(...res.samples);
      a.runs.push(res);
      process.stderr.write(`  ${bench} ${label} ${r + 1}/${reps}: ${res.samples.map(fmt).join(" ")} ${res.unit}\n`);
    }
  }
  for (const a of acc.values()) {
    if (a.samples.length)
      Object.assign(a, { median: median(a.samples), min: Math.min(...a.samples), max: Math.max(...a.samples) });
    a.version = a.adapter === "serial" ? "–" : version(POOLS[a.adapter]?.pkg);
  }
  return Object.fromEntries([...acc.values()].map((a) => [a.label, a]));
}

const report = [];
const print = (line = "") => {
  report.push(line);
  console.log(line);
};
function table(title, rows, cols) {
  print(`\n${title}\n`);
  print(`| ${cols.map((c) => c[0]).join(" | ")} |`);
  print(`|${cols.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`);
  for (const r of rows) print(`| ${cols.map((c) => String(c[1](r))).join(" | ")} |`);
}
const goals = [];
function goal(text, value, target, met) {
  goals.push({ text, value, target, met });
}
const ok = (met) => (met === undefined ? "inconclusive" : met ? "**met**" : "**not met**");

const results = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  quick: QUICK,
  cfg: CFG,
  sections: {},
};
const t0 = Date.now();
print(`# cc thread pool vs peers — ${results.when}`);
print(
  `\nNode ${results.node}, ${results.cpus} × ${results.cpuModel}, ${results.memGiB} GiB; ${QUICK ? "--quick" : "default"} run`,
);

// A (and H, which reads the RSS that A records)
if (want("A") || want("H")) {
  const names = want("A") ? pick(["cc", ...PEERS, ...RAW]) : pick(["cc", "piscina", ...RAW]);
  console.error(`A/H: ${CFG.A.n} tiny tasks submitted together, pool of 2 …`);
  const by = await measure(
    names.map((n) => [n, "throughput", n, n === "threads" ? CFG.threadsA : CFG.A]),
    CFG.reps.A,
  );
  results.sections.A = by;
  const rows = Object.values(by);
  const cc = by.cc?.median;
  const piscina = by.piscina?.median;
  const batch = by["raw-batch64"]?.median;
  if (want("A")) {
    table(
      `## A. Throughput: ${CFG.A.n.toLocaleString("en")} × \`x => x + 1\` submitted together, \`await Promise.all\`, 2 workers (tasks/s, higher is better)`,
      rows,
      [
        ["adapter", (r) => r.label],
        ["version", (r) => r.version],
        ["median", (r) => fmt(r.median)],
        ["min", (r) => fmt(r.min)],
        ["max", (r) => fmt(r.max)],
        ["cc ÷ this", (r) => fmt(cc / r.median)],
        ["× raw-batch64", (r) => fmt(r.median / batch)],
        [
          "n × samples",
          (r) => `${r.opt.n} × ${r.samples.length}${r.errors.length ? ` (${r.errors.length} failed)` : ""}`,
        ],
      ],
    );
    goal("A. 50k tiny tasks: cc ÷ piscina", cc / piscina, "≥ 10", cc && piscina ? cc / piscina >= 10 : undefined);
    goal("A. 50k tiny tasks: cc ÷ raw-batch64", cc / batch, "≥ 0.5", cc && batch ? cc / batch >= 0.5 : undefined);
  }
  if (want("H")) {
    const m = (r, k) => median(r.runs.map((x) => x.mem[k]));
    table(
      "## H. Memory: process RSS in MB (worker threads included), medians over processes",
      rows.filter((r) => ["cc", "piscina", ...RAW].includes(r.label)),
      [
        ["adapter", (r) => r.label],
        ["version", (r) => r.version],
        ["before pool", (r) => fmt(m(r, "base"))],
        ["after warm-up", (r) => fmt(m(r, "afterWarmup"))],
        [`after ${CFG.A.n / 1000}k`, (r) => fmt(m(r, "afterFirst"))],
        [`after ${CFG.A.rounds}×${CFG.A.n / 1000}k`, (r) => fmt(m(r, "end"))],
      ],
    );
    if (by.cc && by.piscina) {
      const c = m(by.cc, "afterFirst");
      const p = m(by.piscina, "afterFirst");
      goal("H. RSS after 50k: cc ÷ piscina", c / p, "≤ 1", c <= p);
    }
  }
}

if (want("C")) {
  const names = pick(["cc", "cc-spin", ...PEERS, ...RAW, ...PROCESS]);
  console.error("C: sequential round trips …");
  const by = await measure(
    names.map((n) => [n, "latency", n, n === "threads" ? CFG.threadsC : CFG.C]),
    CFG.reps.C,
  );
  results.sections.C = by;
  const naive = by["raw-naive"]?.median;
  table(
    `## C. Latency: ${CFG.C.n.toLocaleString("en")} sequential round trips (submit one, await, repeat), µs per trip (lower is better)`,
    Object.values(by),
    [
      ["adapter", (r) => r.label],
      ["version", (r) => r.version],
      ["median", (r) => fmt(r.median)],
      ["min", (r) => fmt(r.min)],
      ["max", (r) => fmt(r.max)],
      ["× raw-naive", (r) => fmt(r.median / naive)],
      [
        "n × samples",
        (r) => `${r.opt.n} × ${r.samples.length}${r.errors.length ? ` (${r.errors.length} failed)` : ""}`,
      ],
    ],
  );
  if (by.cc && naive)
    goal("C. round trip: cc ÷ raw postMessage (raw-naive)", by.cc.median / naive, "≤ 1", by.cc.median <= naive);
  if (by["cc-spin"]) {
    const spin = by["cc-spin"].median;
    goal("C. low-latency mode (cc-spin, spinMs 1): µs per trip", spin, "< 10", spin < 10);
  }
  const forkJson = by["fork-json"]?.median;
  if (by["cc-process"] && forkJson) {
    const ratio = by["cc-process"].median / forkJson;
    goal("C. round trip, processes: cc-process ÷ fork-json", ratio, "≤ 1", ratio <= 1);
  }
}

if (want("D")) {
  const names = pick(["cc", "raw-naive", "piscina", "cc-process", "fork-json"]);
  console.error("D: CPU-bound, fib(29) …");
  const cfg = [];
  for (const n of names)
    cfg.push([`${n} ×1`, "cpu", n, { ...CFG.D, size: 1 }], [`${n} ×2`, "cpu", n, { ...CFG.D, size: 2 }]);
  const by = await measure(cfg, CFG.reps.D);
  results.sections.D = by;
  const speedup = (n) => by[`${n} ×1`]?.median / by[`${n} ×2`]?.median;
  table(`## D. CPU-bound: ${CFG.D.tasks} × fib(29) (≈5 ms each), wall ms (lower is better)`, Object.values(by), [
    ["config", (r) => r.label],
    ["version", (r) => r.version],
    ["median", (r) => fmt(r.median)],
    ["min", (r) => fmt(r.min)],
    ["max", (r) => fmt(r.max)],
    ["speedup ×2 ÷ own ×1", (r) => (r.label.endsWith("×2") ? fmt(speedup(r.adapter)) : "")],
    ["÷ raw-naive's speedup", (r) => (r.label.endsWith("×2") ? fmt(speedup(r.adapter) / speedup("raw-naive")) : "")],
  ]);
  const s = speedup("cc") / speedup("raw-naive");
  // When the raw design itself does not scale, the two cores were not free: the ratio says nothing.
  const usable = speedup("raw-naive") >= 1.5;
  if (Number.isFinite(s)) {
    goal(
      `D. CPU-bound: cc's ×2 speedup ÷ raw's${usable ? "" : ` (inconclusive: raw's own ×2 speedup was ${fmt(speedup("raw-naive"))}, the cores were busy)`}`,
      s,
      "≥ 0.97",
      usable ? s >= 0.97 : undefined,
    );
  }
  const p = speedup("cc-process") / speedup("fork-json");
  if (Number.isFinite(p)) {
    const forkUsable = speedup("fork-json") >= 1.5;
    goal(
      `D. CPU-bound, processes: cc-process's ×2 speedup ÷ fork-json's${forkUsable ? "" : ` (inconclusive: fork-json's own ×2 speedup was ${fmt(speedup("fork-json"))})`}`,
      p,
      "≥ 0.97",
      forkUsable ? p >= 0.97 : undefined,
    );
  }
}

if (want("G")) {
  const names = pick(["cc", "raw-naive", "piscina"]);
  console.error("G: cold start …");
  const by = await measure(
    names.map((n) => [n, "startup", n, {}]),
    CFG.reps.G,
  );
  results.sections.G = by;
  const raw = by["raw-naive"]?.median;
  table(
    "## G. Cold start: fresh process, pool of 2, ms from after the import to the first result (lower is better)",
    Object.values(by),
    [
      ["adapter", (r) => r.label],
      ["version", (r) => r.version],
      ["median", (r) => fmt(r.median)],
      ["min", (r) => fmt(r.min)],
      ["max", (r) => fmt(r.max)],
      ["import ms", (r) => fmt(median(r.runs.map((x) => x.importMs)))],
      ["× raw-naive", (r) => fmt(r.median / raw)],
    ],
  );
  if (by.cc && raw) goal("G. cold start: cc ÷ raw-naive", by.cc.median / raw, "≤ 1.2", by.cc.median / raw <= 1.2);
}

// M: map with default options over a lazy iterable (a generator) of tiny items, against the same items
// submitted in batches (submit in a loop, await Promise.all of every 1,000 futures) and map with
// chunksize 100; threads (ThreadPoolExecutor) and processes (ProcessPoolExecutor, Pool.imap), 2 workers.
// Not adapters of POOLS: cc's own entry points only. `--only=M` runs just this section.
if (want("M") && (onlySections.has("M") || onlyAdapters.size === 0)) {
  console.error(`M: map over a generator of ${CFG.M.n} tiny items, pool of 2 …`);
  // the old default is 10-50× slower: a tenth of the items (its rate in items/s is what the table compares)
  const OLD = { n: Math.round(CFG.M.n / 10), warmup: Math.round(CFG.M.warmup / 10) };
  const cases = [
    ["threads: submit, batches of 1,000", "thread", "submit"],
    ["threads: map, defaults", "thread", "map"],
    ["threads: map, chunksize 100", "thread", "map100"],
    ["threads: map, buffersize 8 (the old default)", "thread", "mapBuffer8", OLD],
    ["processes: submit, batches of 1,000", "process", "submit"],
    ["processes: map, defaults", "process", "map"],
    ["processes: map, chunksize 100", "process", "map100"],
    ["processes: map, buffersize 8 (the old default)", "process", "mapBuffer8", OLD],
    ["processes: Pool.imap, defaults", "process", "imap"],
    ["processes: Pool.imapUnordered, defaults", "process", "imapUnordered"],
    ["processes: Pool.map, defaults", "process", "poolmap"],
    ["processes: Pool.map, Python's chunksize (the old default)", "process", "poolmapPython"],
  ];
  const by = await measure(
    cases.map(([label, transport, mode, sizes]) => [
      label,
      "map",
      "cc",
      { ...CFG.M, ...sizes, transport, mode, batch: 1000 },
    ]),
    CFG.reps.M,
  );
  results.sections.M = by;
  // ratios within one process pair would mix processes; the ratio of medians over alternated samples is
  // what the table gives, plus the median of the per-repetition ratios (same minute of the machine)
  const base = (r) => by[`${r.opt.transport === "thread" ? "threads" : "processes"}: submit, batches of 1,000`];
  const pairRatio = (r) => {
    const b = base(r);
    const ratios = r.runs.map((run, i) => median(run.samples) / median(b.runs[i]?.samples ?? [Number.NaN]));
    return median(ratios.filter(Number.isFinite));
  };
  table(
    `## M. map over a generator of ${CFG.M.n.toLocaleString("en")} × \`x => x + 1\`, 2 workers (items/s, higher is better)`,
    Object.values(by),
    [
      ["case", (r) => r.label],
      ["version", (r) => r.version],
      ["median", (r) => fmt(r.median)],
      ["min", (r) => fmt(r.min)],
      ["max", (r) => fmt(r.max)],
      ["÷ submit in batches", (r) => fmt(r.median / base(r)?.median)],
      ["per-run ratio (median)", (r) => fmt(pairRatio(r))],
      [
        "n × samples",
        (r) => `${r.opt.n} × ${r.samples.length}${r.errors.length ? ` (${r.errors.length} failed)` : ""}`,
      ],
    ],
  );
  for (const [label, what] of [
    ["threads: map, defaults", "M. threads: map (defaults) ÷ submit in batches"],
    ["processes: map, defaults", "M. processes: map (defaults) ÷ submit in batches"],
    ["processes: Pool.imap, defaults", "M. processes: Pool.imap (defaults) ÷ submit in batches"],
    ["processes: Pool.imapUnordered, defaults", "M. processes: Pool.imapUnordered (defaults) ÷ submit in batches"],
    ["processes: Pool.map, defaults", "M. processes: Pool.map (defaults) ÷ submit in batches"],
  ]) {
    const r = by[label];
    const v = r ? r.median / base(r)?.median : Number.NaN;
    if (Number.isFinite(v)) goal(what, v, "≥ 0.8", v >= 0.8);
  }
}

if (goals.length) {
  print("\n## Goals\n");
  print("| goal | measured | target | |");
  print("|---|---:|---:|---|");
  for (const g of goals) print(`| ${g.text} | ${fmt(g.value)} | ${g.target} | ${ok(g.met)} |`);
}
results.goals = goals;

// The tsx scripts of the other helpers: run as they are (their own tables), with smaller sizes in --quick.
const tsxCli = require.resolve("tsx/package.json").replace(/package\.json$/, "dist/cli.mjs");
for (const [section, file, envKey] of [
  ["futures", "futures.ts", "futuresEnv"],
  ["async", "async.ts", "asyncEnv"],
]) {
  if (!want(section) || onlyAdapters.size > 0) continue;
  console.error(`${section}: tsx ${file} …`);
  const env = CFG[envKey];
  const { code, out, err } = await runChild(tsxCli, [file], { env });
  const envText = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join("");
  print(`\n## ${file} (\`${envText}pnpm exec tsx ${file}\`)\n`);
  print(code === 0 ? out.trimEnd() : `failed (exit ${code}): ${err.trim().split("\n").slice(0, 6).join(" | ")}`);
  results.sections[section] = { code, out };
}

print(`\nTotal ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
mkdirSync(`${HERE}results`, { recursive: true });
const stamp = results.when.replace(/[:.]/g, "-");
const jsonFile = args.json ?? `${HERE}results/bench-${stamp}.json`;
writeFileSync(jsonFile, JSON.stringify(results, null, 1));
writeFileSync(jsonFile.replace(/\.json$/, ".md"), `${report.join("\n")}\n`);
console.error(`raw samples: ${jsonFile}; report: ${jsonFile.replace(/\.json$/, ".md")}`);
