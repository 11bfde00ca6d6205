#!/usr/bin/env node
// "Docs that cannot lie" (Deno's `deno test --doc`): extracts every `@example` code block from the JSDoc of
// the packages' sources (packages/*/*.ts), type-checks them all against the built packages (one `tsc`
// run, strict, `moduleResolution: nodenext`, which also compiles them to JavaScript) and runs each, in one
// process, one after the other: a failed `console.assert`, a throw, an unhandled rejection or a run
// longer than 10 s fails the example.
//
// Fences: "```ts" is checked and run; "```ts no-run" only type-checked (it would block, needs a worker's
// context or files that do not exist); "```ts ignore" neither (a fragment: it names things it does not
// define). Run after `npm run build`: `node scripts/doc_examples.mjs` (`--keep` keeps .doc-examples/,
// `--filter core` only one package's examples). Wired into `npm test` by scripts/run.mjs.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Imports each example in turn; a failed console.assert, a throw or an unhandled rejection fails it. */
const RUNNER = `import { pathToFileURL } from "node:url";
const failures = [];
let current = "(none)";
console.assert = (ok, ...data) => {
  if (!ok) failures.push([current, "console.assert failed" + (data.length ? ": " + data.map(String).join(" ") : "")]);
};
for (const key of ["log", "info", "debug", "table", "dir"]) console[key] = () => {};
process.on("unhandledRejection", (e) => failures.push([current, "unhandled rejection: " + (e?.stack ?? e)]));
process.on("uncaughtException", (e) => failures.push([current, "uncaught exception: " + (e?.stack ?? e)]));
for (const name of process.argv.slice(2)) {
  current = name;
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("still running after 10 s")), 10_000);
  });
  try {
    await Promise.race([import(pathToFileURL(name).href), late]);
  } catch (e) {
    failures.push([name, String(e?.stack ?? e)]);
  }
  clearTimeout(timer);
  await new Promise((resolve) => setImmediate(resolve));
}
await new Promise((resolve) => setTimeout(resolve, 20));
process.stdout.write("@@report " + JSON.stringify(failures) + "\\n");
process.exit(0);
`;

/** Preloaded into a program example: a failed console.assert fails the process. */
const ASSERT_HOOK = `console.assert = (ok, ...data) => {
  if (!ok) {
    process.exitCode = 1;
    process.stderr.write("console.assert failed" + (data.length ? ": " + data.map(String).join(" ") : "") + "\\n");
  }
};
`;

/** Runs `node ...argv` in the examples' folder: its exit code and output; killed after 30 s. */
function runProgram(argv) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: out, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    let output = "";
    child.stdout.on("data", () => {});
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code, signal) => resolve({ code: code ?? signal, output }));
  });
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, ".doc-examples");
const args = process.argv.slice(2);
const keep = args.includes("--keep");
const filter = args.includes("--filter") ? args[args.indexOf("--filter") + 1] : null;

/** Every `@example` fence of a file: `{ line, lang, flags, code }`, `line` the fence's line in the file. */
export function extractExamples(text) {
  const examples = [];
  for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const startLine = text.slice(0, m.index).split("\n").length;
    const lines = m[1].split("\n").map((l) => l.replace(/^\s*\* ?/, ""));
    let inExample = false;
    let fence = null;
    lines.forEach((line, i) => {
      if (fence) {
        if (/^\s*```\s*$/.test(line)) {
          if (inExample) examples.push(fence);
          fence = null;
        } else fence.code.push(line);
        return;
      }
      const open = /^\s*```(\w*)\s*(.*)$/.exec(line);
      if (open) {
        fence = { line: startLine + i, lang: open[1], flags: open[2].trim().split(/\s+/).filter(Boolean), code: [] };
        return;
      }
      if (/^\s*@example\b/.test(line)) inExample = true;
      else if (/^\s*@\w+/.test(line)) inExample = false;
    });
  }
  return examples.map((e) => ({ ...e, code: e.code.join("\n") }));
}

const found = [];
for (const pkg of readdirSync(join(root, "packages"))) {
  if (filter && pkg !== filter) continue;
  const dir = join(root, "packages", pkg);
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith(".ts") || file.endsWith("_test.ts") || file.endsWith(".d.ts") || file === "vitest.config.ts")
      continue;
    for (const e of extractExamples(readFileSync(join(dir, file), "utf8"))) {
      if (!["ts", "typescript", "js", "javascript"].includes(e.lang)) continue;
      found.push({
        ...e,
        pkg,
        source: `packages/${pkg}/${file}`,
        name: `${pkg}/${file.replace(/\.ts$/, "")}_L${e.line}.ts`,
      });
    }
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "node_modules", "@cc"), { recursive: true });
for (const pkg of readdirSync(join(root, "packages"))) {
  symlinkSync(join(root, "packages", pkg), join(out, "node_modules", "@cc", pkg), "dir");
}
const checked = found.filter((e) => !e.flags.includes("ignore"));
const runnable = checked.filter((e) => !e.flags.includes("no-run"));
// an example that is a program (`if (isMainModule(import.meta))`, its tasks exported beside it) runs as the
// main module of its own process, as a user's program would; its workers import it as a task module
const isProgram = (e) => /isMainModule\(import\.meta\)/.test(e.code);
const inRunner = runnable.filter((e) => !isProgram(e));
const programs = runnable.filter(isProgram);
for (const e of checked) {
  mkdirSync(dirname(join(out, e.name)), { recursive: true });
  // the first line maps errors back to the source; `export {}` makes every example a module
  writeFileSync(join(out, e.name), `// ${e.source}:${e.line}\n${e.code}\nexport {};\n`);
}
// type-checked and compiled to JavaScript (js/) in one tsc run: the examples then run on plain Node, and
// the workers they start import plain JavaScript too (no TypeScript loader to start in each)
writeFileSync(join(out, "package.json"), '{ "type": "module", "private": true }\n');
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify({
    extends: "../tsconfig.base.json",
    compilerOptions: {
      ...{ noEmit: false, outDir: "js", rootDir: ".", types: ["node"] },
      ...{ declaration: false, declarationMap: false, sourceMap: false },
    },
    include: ["**/*.ts"],
    exclude: ["js", "node_modules"],
  }),
);

const started = performance.now();
const js = (name) => join("js", name.replace(/\.ts$/, ".js"));
const failures = [];
const byName = new Map(checked.map((e) => [e.name, e]));
const where = (name, line) => {
  const e = byName.get(name);
  return e ? `${e.source}:${e.line + Number(line) - 1}` : name;
};

// 1. type-check them all at once
const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", out, "--pretty", "false"],
  {
    cwd: out,
    encoding: "utf8",
  },
);
if (tsc.status !== 0) {
  const errors = `${tsc.stdout}${tsc.stderr}`.trim().split("\n");
  for (const line of errors) {
    const m = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
    failures.push(m ? `${where(m[1].replaceAll("\\", "/"), m[2])}: ${m[4]}` : line);
  }
}

// 2. run the runnable ones: the fragments in one process, the programs each in its own
if (failures.length === 0 && inRunner.length > 0) {
  const runner = join(out, "_run.mjs");
  writeFileSync(runner, RUNNER);
  const r = spawnSync(process.execPath, [runner, ...inRunner.map((e) => js(e.name))], {
    cwd: out,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 300_000,
  });
  const report = /^@@report (.*)$/m.exec(r.stdout ?? "");
  if (!report) failures.push(`the runner did not report (exit ${r.status}, signal ${r.signal}):\n${r.stdout}`);
  else {
    for (const [file, why] of JSON.parse(report[1])) {
      const name = file.replaceAll("\\", "/").replace(/^js\//, "").replace(/\.js$/, ".ts");
      failures.push(`${where(name, 1)} (example): ${why}`);
    }
  }
}

if (failures.length === 0 && programs.length > 0) {
  const assertHook = join(out, "_assert.mjs");
  writeFileSync(assertHook, ASSERT_HOOK);
  const queue = [...programs];
  await Promise.all(
    [0, 1].map(async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        const r = await runProgram(["--import", pathToFileURL(assertHook).href, js(e.name)]);
        if (r.code !== 0) failures.push(`${e.source}:${e.line} (program example): exit ${r.code}\n${r.output}`);
      }
    }),
  );
}

const ms = Math.round(performance.now() - started);
console.log(
  `[doc-examples] ${found.length} @example blocks: ${checked.length} type-checked, ${runnable.length} run (${programs.length} as programs), ${found.length - checked.length} ignored (${ms} ms)`,
);
for (const f of failures) console.error(`[doc-examples] FAIL ${f}`);
if (!keep && failures.length === 0) rmSync(out, { recursive: true, force: true });
else console.error(`[doc-examples] files in ${relative(process.cwd(), out) || "."}`);
process.exit(failures.length === 0 ? 0 : 1);
