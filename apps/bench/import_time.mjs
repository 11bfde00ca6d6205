#!/usr/bin/env node
// Section I: what importing a package costs, in a fresh Node.js process each time (ms of CPU, user +
// system, from before the `import()` to after it; wall ms beside). cc's packages (their built dist/, as a
// user installs them) next to piscina, tinypool and workerpool, interleaved round after round so a busy
// patch of the machine hits them all alike. Medians over the rounds, and each one ÷ piscina.
//
//   node import_time.mjs [--rounds=15] [--node=/path/to/node]
import { spawnSync } from "node:child_process";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? "true"];
  }),
);
const rounds = Number(args.rounds ?? 15);
const node = args.node ?? process.execPath;
const modules = [
  "@cc/executors",
  "@cc/processes",
  "@cc/threads",
  "@cc/async",
  "@cc/core",
  "piscina",
  "tinypool",
  "workerpool",
];

const probe = `
const c0 = process.cpuUsage(); const t0 = performance.now();
await import(process.argv[1]);
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 }));`;

const samples = Object.fromEntries(modules.map((m) => [m, { cpu: [], wall: [] }]));
for (let round = 0; round < rounds; round++) {
  for (const m of modules) {
    const r = spawnSync(node, ["--input-type=module", "-e", probe, m], { cwd: import.meta.dirname, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`importing ${m} failed:\n${r.stderr}`);
    const { cpu, wall } = JSON.parse(r.stdout);
    samples[m].cpu.push(cpu);
    samples[m].wall.push(wall);
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const base = median(samples.piscina.cpu);
console.log(`Node.js ${spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()}, ${rounds} rounds\n`);
console.log("| module | CPU ms (median) | wall ms (median) | CPU ÷ piscina |");
console.log("|---|---:|---:|---:|");
for (const m of modules) {
  const cpu = median(samples[m].cpu);
  console.log(`| ${m} | ${cpu.toFixed(1)} | ${median(samples[m].wall).toFixed(1)} | ${(cpu / base).toFixed(2)} |`);
}
