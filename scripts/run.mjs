#!/usr/bin/env node
// Bootstrap for the README commands: `npm test`, `npm run demo`, `npm run build`, `npm run bench`, `npm run lint`.
// On a machine that has only Node and npm, it installs the pinned pnpm into ./.tools (no global state),
// installs the workspace with a frozen lockfile when needed, then runs the turbo pipeline.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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

const task = process.argv[2] ?? "test";
const extra = process.argv.slice(3);
ensurePnpm();
ensureInstall();
switch (task) {
  case "install":
    break;
  case "demo":
    run(pnpmBin, ["exec", "turbo", "run", "build", "--filter=downloader...", "--output-logs=errors-only"]);
    run(pnpmBin, ["--filter", "downloader", "run", "demo", ...extra]);
    break;
  case "lint":
    run(pnpmBin, ["exec", "biome", "check", ".", ...extra]);
    run(pnpmBin, ["exec", "turbo", "run", "typecheck", ...extra]);
    break;
  case "format":
    run(pnpmBin, ["exec", "biome", "check", "--write", ".", ...extra]);
    break;
  case "test":
    // the whole suite: formatting and lint, type checks, then every package's tests (turbo builds first)
    run(pnpmBin, ["exec", "biome", "ci", "."]);
    run(pnpmBin, ["exec", "turbo", "run", "typecheck", "test", "--concurrency=2", "--output-logs=new-only", ...extra]);
    // every @example of the packages' JSDoc type-checks and runs (scripts/doc_examples.mjs), once
    run(process.execPath, [join(root, "scripts", "doc_examples.mjs")]);
    break;
  case "docs":
    // the API reference of the six packages in docs/api (typedoc.json; warnings are errors)
    run(pnpmBin, ["exec", "turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"]);
    run(pnpmBin, ["exec", "typedoc", ...extra]);
    break;
  case "pack-test":
    // once per CI run, on the system Node (scripts/pack_test/pack_test.mjs): pack every package, a release
    // on a throwaway copy, each package installed alone in an empty project, run and type-checked there
    run(pnpmBin, ["exec", "turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"]);
    run(process.execPath, [join(root, "scripts", "pack_test", "pack_test.mjs"), ...extra]);
    break;
  default:
    run(pnpmBin, ["exec", "turbo", "run", task, ...extra]);
}
