#!/usr/bin/env node
// The packed-install test: what a stranger gets from the registry, checked before a release.
//
// Packs every publishable package (`pnpm -r pack`, after `npm run build`), lints each tarball with
// publint (strict) and @arethetypeswrong/cli (profile "esm-only": the packages are ESM only, on purpose,
// so attw's CommonJS rows (`node10`, `node16` from CJS) are not judged; `require()` of them works only
// from Node 20.19, see docs/USING.md), then installs each package alone, with only its own cc
// dependencies, from the tarballs into an empty project (npm, offline: nothing comes from a registry)
// and there:
//   - runs an ESM program (`node program.mjs`) that runs a task in a worker thread and in a child
//     process from the installed `dist` where the package can (core, threads, executors, processes);
//   - type-checks a TypeScript consumer with `module`/`moduleResolution: nodenext` and no skipLibCheck,
//     including a `@ts-expect-error` on a wrongly typed call;
//   - runs a vitest test of the consumer;
//   - for core, checks that a stack trace under `--enable-source-maps` names `.ts` files that exist.
// The test tools (typescript, vitest, @types/node) and tsx (for the `.ts` task modules of the vitest
// tests of executors and processes) are the workspace's, linked into each project.
//
// Run: `node scripts/run.mjs pack-test` (builds first), or `node scripts/pack_test/pack_test.mjs` after a
// build. `--keep` keeps the temporary folder; `--only core,futures` tests some packages.
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { consumerProgram, consumerTasks } from "./consumer.mjs";
import { allConsumer, fixtures, typedTasks } from "./fixtures.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const args = process.argv.slice(2);
const keep = args.includes("--keep");
/** Node binaries the TypeScript consumer program runs on (`--consumer-node BIN`, repeatable); default: this one. */
const consumerNodes = args.flatMap((a, i) => (a === "--consumer-node" ? [args[i + 1]] : []));
if (consumerNodes.length === 0) consumerNodes.push(process.execPath);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",").map((s) => `@cc/${s}`) : null;
const started = performance.now();

const packages = readdirSync(join(root, "packages"))
  .map((dir) => ({
    dir: join(root, "packages", dir),
    json: JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")),
  }))
  .filter((p) => !p.json.private);
const byName = new Map(packages.map((p) => [p.json.name, p]));

// The tools come from the workspace; npm is the system's; child processes get no npm_* settings of
// an outer `npm run`.
const bin = (name) => join(root, "node_modules", ".bin", name);
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k)),
);
env.npm_config_update_notifier = "false";
env.npm_config_fund = "false";
env.npm_config_audit = "false";

/** Runs a command; resolves to its output, rejects with it on failure. */
function exec(cmd, argv, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${argv.join(" ")} (in ${cwd}) exited with ${code}\n${out}`));
    });
  });
}

/** The package's cc dependencies, itself included, transitively. */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(byName.get(name).json.dependencies ?? {})) if (byName.has(dep)) closure(dep, seen);
  return seen;
}

/**
 * The release steps of RELEASING.md on a throwaway copy of the workspace (packages with their built
 * `dist`, the apps' package.json, .changeset, the lockfile): `changeset status`, `changeset version`,
 * `pnpm install --offline`, `pnpm -r publish --dry-run`; then every packed tarball carries the new
 * version, its CHANGELOG.md and exact versions of its cc dependencies.
 */
async function releaseCheck() {
  const copy = join(tmp, "release");
  for (const f of ["package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml", ".changeset", "scripts/check-dist.mjs"]) {
    cpSync(join(root, f), join(copy, f), { recursive: true });
  }
  for (const app of readdirSync(join(root, "apps"))) {
    if (!existsSync(join(root, "apps", app, "package.json"))) continue;
    mkdirSync(join(copy, "apps", app), { recursive: true });
    cpSync(join(root, "apps", app, "package.json"), join(copy, "apps", app, "package.json"));
  }
  for (const p of packages) {
    const skip = new Set([join(p.dir, "node_modules"), join(p.dir, ".turbo")]);
    cpSync(p.dir, join(copy, "packages", p.dir.split("/").pop()), {
      recursive: true,
      preserveTimestamps: true,
      filter: (src) => !skip.has(src),
    });
  }
  const changeset = [process.execPath, join(root, "node_modules", "@changesets", "cli", "bin.js")];
  // changeset status compares with the base branch: a one-commit repository on "main"
  const git = ["-c", "user.name=pack-test", "-c", "user.email=pack-test@localhost", "-c", "commit.gpgsign=false"];
  await exec("git", ["init", "-q", "-b", "main"], copy);
  await exec("git", [...git, "add", "-A"], copy);
  await exec("git", [...git, "commit", "-q", "-m", "copy"], copy);
  await exec(changeset[0], [changeset[1], "status"], copy);
  await exec(pnpm, ["install", "--offline", "--frozen-lockfile", "--ignore-scripts"], copy);
  await exec(changeset[0], [changeset[1], "version"], copy);
  await exec(pnpm, ["install", "--offline", "--frozen-lockfile", "--ignore-scripts"], copy);
  const published = await exec(pnpm, ["-r", "publish", "--dry-run", "--no-git-checks"], copy);
  const out = join(copy, "tarballs");
  await exec(pnpm, ["-r", "--filter", "./packages/*", "pack", "--pack-destination", out], copy);
  const versions = [];
  for (const p of packages) {
    const json = JSON.parse(readFileSync(join(copy, "packages", p.dir.split("/").pop(), "package.json"), "utf8"));
    if (json.version === p.json.version)
      throw new Error(`release: changeset version left ${json.name} at ${json.version}`);
    if (!published.includes(`${json.name}@${json.version}`))
      throw new Error(`release: publish --dry-run skipped ${json.name}\n${published}`);
    const tgz = join(out, `${json.name.slice(1).replace("/", "-")}-${json.version}.tgz`);
    const files = await exec("tar", ["tzf", tgz], copy);
    if (!files.includes("package/CHANGELOG.md")) throw new Error(`release: ${tgz} has no CHANGELOG.md`);
    const packed = JSON.parse(await exec("tar", ["xzf", tgz, "-O", "package/package.json"], copy));
    for (const [dep, range] of Object.entries(packed.dependencies ?? {})) {
      if (!/^\d+\.\d+\.\d+/.test(range)) throw new Error(`release: ${json.name} depends on ${dep}@${range}`);
    }
    versions.push(`${json.name}@${json.version}`);
  }
  step(`release on a copy: changeset status/version, publish --dry-run, CHANGELOGs packed (${versions.join(", ")})`);
}

/**
 * Links the non-cc dependencies of `names` (bullmq, ioredis and commander for @cc/distributed) from the
 * workspace into `dir`'s node_modules: npm installs offline, with no registry copy of them, and accepts a
 * linked copy of the pinned version (installed with --ignore-scripts, so nothing runs in the workspace's).
 */
function linkExternalDeps(names, dir) {
  for (const name of names) {
    const p = byName.get(name);
    for (const dep of Object.keys(p.json.dependencies ?? {})) {
      const to = join(dir, "node_modules", dep);
      if (byName.has(dep) || existsSync(to)) continue;
      mkdirSync(dirname(to), { recursive: true });
      symlinkSync(realpathSync(join(p.dir, "node_modules", dep)), to, "dir");
    }
  }
}

const tmp = mkdtempSync(join(tmpdir(), "cc-pack-test-"));
let pnpm = "pnpm";
const tarballs = join(tmp, "tarballs");
const failures = [];
const step = (msg) => console.log(`[pack-test ${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}`);

try {
  pnpm = existsSync(join(root, ".tools", "node_modules", ".bin", "pnpm"))
    ? join(root, ".tools", "node_modules", ".bin", "pnpm")
    : "pnpm";
  await exec(pnpm, ["-r", "--filter", "./packages/*", "pack", "--pack-destination", tarballs], root);
  const tarballOf = new Map();
  for (const file of readdirSync(tarballs)) {
    const p = packages.find((q) => file === `${q.json.name.slice(1).replace("/", "-")}-${q.json.version}.tgz`);
    if (p) tarballOf.set(p.json.name, join(tarballs, file));
  }
  for (const p of packages)
    if (!tarballOf.has(p.json.name)) throw new Error(`no tarball for ${p.json.name} in ${tarballs}`);
  step(`packed ${tarballOf.size} packages`);

  const selected = packages.filter((p) => !only || only.includes(p.json.name));
  const jobs = [];
  for (const p of selected) {
    const name = p.json.name;
    const tgz = tarballOf.get(name);
    jobs.push(async () => {
      const lint = await exec(bin("publint"), ["run", "--strict", tgz], tmp);
      if (!/All good/i.test(lint)) throw new Error(`publint ${name}:\n${lint}`);
      await exec(bin("attw"), [tgz, "--profile", "esm-only", "--format", "ascii", "--no-color", "--no-emoji"], tmp);
      step(`${name}: publint --strict and attw --profile esm-only clean`);
    });
    jobs.push(async () => {
      const fixture = fixtures[name];
      if (!fixture) throw new Error(`no fixture for ${name} in scripts/pack_test/fixtures.mjs`);
      const dir = join(tmp, name.replace("@cc/", ""));
      mkdirSync(dir);
      writeFileSync(
        join(dir, "package.json"),
        `${JSON.stringify({ name: `consumer-of-${name.slice(4)}`, private: true, type: "module" }, null, 2)}\n`,
      );
      const deps = [...closure(name)].map((n) => tarballOf.get(n));
      linkExternalDeps(closure(name), dir);
      await exec(
        "npm",
        ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts", ...deps],
        dir,
      );
      const installed = readdirSync(join(dir, "node_modules", "@cc"))
        .map((n) => `@cc/${n}`)
        .sort();
      const expected = [...closure(name)].sort();
      if (installed.join() !== expected.join())
        throw new Error(`${name}: installed ${installed} instead of ${expected}`);
      // the test tools, from the workspace
      mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
      symlinkSync(realpathSync(join(root, "node_modules", "vitest")), join(dir, "node_modules", "vitest"), "dir");
      // tsx: the optional peer of @cc/core a project installs for .ts task modules (docs/USING.md)
      symlinkSync(realpathSync(join(root, "node_modules", "tsx")), join(dir, "node_modules", "tsx"), "dir");
      symlinkSync(
        realpathSync(join(root, "node_modules", "@types", "node")),
        join(dir, "node_modules", "@types", "node"),
        "dir",
      );
      cpSync(join(here, "tasks.js"), join(dir, "tasks.js"));
      writeFileSync(join(dir, "program.mjs"), fixture.program);
      writeFileSync(join(dir, "consumer.ts"), fixture.consumer);
      writeFileSync(join(dir, "consumer.test.ts"), fixture.test);
      writeFileSync(join(dir, "typed_tasks.ts"), typedTasks);
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "nodenext",
            moduleResolution: "nodenext",
            strict: true,
            noEmit: true,
            allowJs: true,
            types: ["node"],
            skipLibCheck: true, // the "all" project checks the declaration files, once
          },
          include: ["consumer.ts"],
        }),
      );
      const out = await exec(process.execPath, ["program.mjs"], dir);
      if (out.trim() !== "ok") throw new Error(`${name}: program.mjs printed\n${out}`);
      if (fixture.stack) {
        writeFileSync(join(dir, "stack.mjs"), fixture.stack);
        const trace = await exec(process.execPath, ["--enable-source-maps", "stack.mjs"], dir);
        if (trace.trim() !== "ok") throw new Error(`${name}: stack.mjs printed\n${trace}`);
      }
      await exec(
        process.execPath,
        [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
        dir,
      );
      await exec(process.execPath, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--root", dir], dir);
      step(`${name}: installed alone (${expected.join(", ")}); program, nodenext type-check and vitest pass`);
    });
  }
  if (!only) {
    jobs.push(async () => {
      const dir = join(tmp, "all");
      mkdirSync(dir);
      writeFileSync(
        join(dir, "package.json"),
        `${JSON.stringify({ name: "consumer-of-all", private: true, type: "module" }, null, 2)}\n`,
      );
      linkExternalDeps(tarballOf.keys(), dir);
      await exec(
        "npm",
        [
          "install",
          "--offline",
          "--no-audit",
          "--no-fund",
          "--loglevel=error",
          "--ignore-scripts",
          ...tarballOf.values(),
        ],
        dir,
      );
      mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
      symlinkSync(
        realpathSync(join(root, "node_modules", "@types", "node")),
        join(dir, "node_modules", "@types", "node"),
        "dir",
      );
      writeFileSync(join(dir, "consumer.ts"), allConsumer);
      const compilerOptions = { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: true };
      Object.assign(compilerOptions, { noEmit: true, types: ["node"], skipLibCheck: false });
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["consumer.ts"] }));
      await exec(
        process.execPath,
        [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
        dir,
      );
      step("all six installed together: every declaration file type-checks (nodenext, no skipLibCheck)");
      // A TypeScript consumer as docs/USING.md describes it per Node version: `await using` compiled by
      // tsc for Node 20 (target ES2022, lib esnext.disposable), task modules with an enum and a parameter
      // property compiled in the workers by cc (with the project's tsx), on both transports.
      symlinkSync(realpathSync(join(root, "node_modules", "tsx")), join(dir, "node_modules", "tsx"), "dir");
      writeFileSync(join(dir, "main.ts"), consumerProgram);
      writeFileSync(join(dir, "ts_tasks.ts"), consumerTasks);
      const appOptions = {
        target: "ES2022",
        lib: ["ES2022", "esnext.disposable"],
        module: "nodenext",
        moduleResolution: "nodenext",
        strict: true,
        outDir: "dist",
        types: ["node"],
        skipLibCheck: true,
      };
      writeFileSync(
        join(dir, "tsconfig.app.json"),
        JSON.stringify({ compilerOptions: appOptions, include: ["main.ts"] }),
      );
      await exec(
        process.execPath,
        [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.app.json"],
        dir,
      );
      for (const node of consumerNodes) {
        const compiled = await exec(node, ["dist/main.js"], dir);
        if (compiled.trim() !== "ok") throw new Error(`consumer on ${node}: dist/main.js printed\n${compiled}`);
        const major = Number((await exec(node, ["-p", "process.versions.node"], dir)).split(".")[0]);
        if (major >= 24) {
          // Node 24+ runs the erasable main program itself (type stripping); tasks still compile in cc
          const native = await exec(node, ["main.ts"], dir);
          if (native.trim() !== "ok") throw new Error(`consumer on ${node}: node main.ts printed\n${native}`);
        }
        step(`a TypeScript consumer (await using, .ts tasks with enums) compiled by tsc runs on ${node}`);
      }
    });
  }
  jobs.unshift(releaseCheck);
  // two at a time (a 2-core machine)
  const queue = [...jobs];
  await Promise.all(
    [0, 1].map(async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job().catch((e) => failures.push(e));
    }),
  );
} catch (e) {
  failures.push(e);
} finally {
  if (keep || failures.length > 0) console.log(`[pack-test] kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
for (const f of failures) console.error(`\n[pack-test] FAIL ${f instanceof Error ? f.message : f}`);
step(failures.length === 0 ? "all passed" : `${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
