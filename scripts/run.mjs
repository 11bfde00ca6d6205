#!/usr/bin/env node
// Bootstrap for the README commands: `npm test`, `npm run demo`, `npm run build`, `npm run bench`, `npm run lint`.
// On a machine that has only Node and npm, it installs the pinned pnpm into ./.tools (no global state),
// installs the workspace with a frozen lockfile when needed, then runs the turbo pipeline.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeBinDir, pinnedNodeVersions, resolveNodeVersion } from "./_node_versions.mjs";
import { closingLine, countReports } from "./count-tests.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1];
const toolsDir = join(root, ".tools");
const pnpmBin = join(toolsDir, "node_modules", ".bin", "pnpm");
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  pnpm_config_update_notifier: "false",
  npm_config_update_notifier: "false",
  PATH: `${join(toolsDir, "node_modules", ".bin")}:${process.env.PATH}`,
};

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env, ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function pnpmVersion() {
  if (!existsSync(pnpmBin)) return null;
  const r = spawnSync(pnpmBin, ["--version"], { cwd: root, env, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function ensurePnpm() {
  if (pnpmVersion() === pinned) return;
  console.error(`[cc] installing pnpm@${pinned} into .tools/`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  run(npm, [
    "install",
    "--prefix",
    toolsDir,
    "--no-save",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    `pnpm@${pinned}`,
  ]);
  if (pnpmVersion() !== pinned) {
    console.error(`[cc] could not install pnpm@${pinned}`);
    process.exit(1);
  }
}

function ensureInstall() {
  const marker = join(root, "node_modules", ".modules.yaml");
  const lock = join(root, "pnpm-lock.yaml");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.error("[cc] pnpm install --frozen-lockfile");
  run(pnpmBin, ["install", "--frozen-lockfile"]);
}

/** Runs a command and returns its exit status (for runs that go on after a failure). */
function runStatus(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env, ...options });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** Takes `--node X` / `--node=X` out of the arguments: which Node versions the tests run on. */
function takeNodeOption(args) {
  const rest = [];
  let node;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--node") {
      node = args[++i];
      if (node === undefined) throw new Error('--node needs a value: "system", a tested major such as 24, or "all"');
    } else if (arg.startsWith("--node=")) node = arg.slice("--node=".length);
    else rest.push(arg);
  }
  return { node, rest };
}

/**
 * Runs every package's tests on one Node version ("system" or a pinned version fetched into .tools),
 * and returns the exit status and the counts of its reports.
 */
function testOn(version, turboArgs) {
  const runEnv = { ...env };
  if (version !== "system") {
    const bin = nodeBinDir(root, version, env);
    runEnv.PATH = `${bin}:${env.PATH}`;
    const seen = spawnSync("node", ["--version"], { env: runEnv, encoding: "utf8" }).stdout.trim();
    if (seen !== `v${version}`) throw new Error(`expected node v${version} on PATH, found ${seen}`);
  }
  runEnv.CC_NODE_VERSION = version === "system" ? process.versions.node : version; // part of turbo's test hash
  console.error(`[cc] tests on Node.js ${runEnv.CC_NODE_VERSION}`);
  const status = runStatus(
    pnpmBin,
    ["exec", "turbo", "run", "test", "--concurrency=2", "--output-logs=new-only", ...turboArgs],
    { env: runEnv },
  );
  return { status, counts: countReports(root) };
}

/**
 * The real parts some tests use, from Debian's packages (installed with apt-get when this runs as root and
 * they are missing): redis-server (@cc/distributed) and Chromium (the demo report's browser test). Once,
 * one after the other, before the packages' tests run in parallel (two apt-get runs at once would fight
 * over dpkg's lock). Where neither is possible, the tests that need them say so and skip (fail under CI).
 */
async function ensureSystemParts() {
  const { ensureRedisServer } = await import("./_redis.mjs");
  if (!ensureRedisServer()) console.error(`[cc] ${ensureRedisServer.reason}`);
  const { ensureChromium } = await import("./_chromium.mjs");
  await ensureChromium();
}

const task = process.argv[2] ?? "test";
const { node: nodeOption, rest: extra } = takeNodeOption(process.argv.slice(3));
ensurePnpm();
ensureInstall();
switch (task) {
  case "install":
    break;
  case "demo": {
    // Build quietly (turbo's banner and logs are shown only if the build fails), then run the CLI itself,
    // not through `pnpm run`: its output and exit code come through unchanged (no ELIFECYCLE lines), and it
    // runs in the folder the user typed `npm run demo` in, so `--out rel` means that folder's rel/.
    const build = spawnSync(
      pnpmBin,
      ["exec", "turbo", "run", "build", "--filter=downloader...", "--output-logs=errors-only"],
      { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    if (build.error) throw build.error;
    if (build.status !== 0) {
      process.stdout.write(build.stdout);
      process.stderr.write(build.stderr);
      process.exit(build.status ?? 1);
    }
    const cli = spawn(process.execPath, [join(root, "apps", "downloader", "dist", "main.js"), ...extra], {
      // biome-ignore lint/suspicious/noUndeclaredEnvVars: set by npm, read here only (not a turbo task)
      cwd: process.env.INIT_CWD ?? process.cwd(),
      env,
      stdio: "inherit",
    });
    // Ctrl-C reaches the CLI with the whole process group: it decides (summary, exit 130), this waits.
    // A SIGTERM sent to this process alone is passed on.
    process.on("SIGINT", () => {});
    process.on("SIGTERM", () => cli.kill("SIGTERM"));
    cli.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? osConstants.signals[signal] : 1)));
    break;
  }
  case "lint":
    run(pnpmBin, ["exec", "biome", "check", ".", ...extra]);
    run(pnpmBin, ["exec", "turbo", "run", "typecheck", ...extra]);
    break;
  case "format":
    run(pnpmBin, ["exec", "biome", "check", "--write", ".", ...extra]);
    break;
  case "test": {
    // the whole suite: formatting and lint, type checks, then every package's tests (turbo builds first),
    // on the system Node, one chosen version (--node 24) or every tested version (--node all)
    const versions =
      nodeOption === "all"
        ? ["system", ...Object.values(pinnedNodeVersions(root))]
        : [resolveNodeVersion(root, nodeOption ?? "system")];
    run(pnpmBin, ["exec", "biome", "ci", "."]);
    run(pnpmBin, ["exec", "turbo", "run", "typecheck", "--output-logs=new-only", ...extra]);
    // every @example of the packages' JSDoc type-checks and runs (scripts/doc_examples.mjs), once
    run(process.execPath, [join(root, "scripts", "doc_examples.mjs")]);
    await ensureSystemParts();
    const total = { passed: 0, failed: 0, skipped: 0 };
    let failedRuns = 0;
    for (const version of versions) {
      const { status, counts } = testOn(version, extra);
      const label = version === "system" ? process.versions.node : version;
      console.error(`[cc] Node.js ${label}: ${closingLine(counts)}${status === 0 ? "" : ` (exit ${status})`}`);
      for (const key of Object.keys(total)) total[key] += counts[key];
      if (status !== 0) failedRuns++;
    }
    console.log(closingLine(total));
    if (failedRuns > 0) process.exit(1);
    break;
  }
  case "docs":
    // the API reference of the six packages in docs/api (typedoc.json; warnings are errors)
    run(pnpmBin, ["exec", "turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"]);
    run(pnpmBin, ["exec", "typedoc", ...extra]);
    break;
  case "pack-test":
    // once per CI run, on the system Node (scripts/pack_test/pack_test.mjs): pack every package, a release
    // on a throwaway copy, each package installed alone in an empty project, run and type-checked there
    run(pnpmBin, ["exec", "turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"]);
    {
      // the TypeScript consumer program also runs on Node 24 (active LTS), fetched into .tools
      const consumerNodes = [process.execPath, join(nodeBinDir(root, pinnedNodeVersions(root)["24"], env), "node")];
      const nodeArgs = consumerNodes.flatMap((bin) => ["--consumer-node", bin]);
      run(process.execPath, [join(root, "scripts", "pack_test", "pack_test.mjs"), ...nodeArgs, ...extra]);
    }
    break;
  default:
    run(pnpmBin, ["exec", "turbo", "run", task, ...extra]);
}
