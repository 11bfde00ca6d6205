// Debian's Chromium for the tests that look at a page in a real browser (the downloader's report.html).
// `ensureChromium()` finds it, or — as root on a Debian/Ubuntu machine, the project's developers' and
// CI's — installs the `chromium` package with apt-get the first time (a few minutes), nothing else.
// It never downloads a browser build of its own (this machine reaches only the npm registry and Debian).
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where Debian (and Ubuntu's older packages) put the browser; `CC_CHROMIUM_PATH`, when set, replaces them. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The one line a person reads when the browser is missing and this script cannot install it. */
export const CHROMIUM_HOW_TO =
  "install Debian's Chromium as root (apt-get update && apt-get install -y --no-install-recommends chromium), " +
  "or point CC_CHROMIUM_PATH at a Chromium binary";

/** The first executable Chromium found, or null; when `CC_CHROMIUM_PATH` is set, that one only. */
export function findChromium(env = process.env) {
  for (const path of env.CC_CHROMIUM_PATH ? [env.CC_CHROMIUM_PATH] : CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not there or not executable: try the next
    }
  }
  return null;
}

/**
 * Runs one apt-get command quietly; resolves `{ code, output }`. Waits for another apt/dpkg run (another
 * test or person installing a package at the same time) rather than failing on its lock.
 */
function aptGet(args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn("apt-get", ["-o", "DPkg::Lock::Timeout=300", "-o", "Acquire::Retries=3", "-q", ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    let output = "";
    const keep = (chunk) => {
      output = (output + chunk).slice(-8000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => resolve({ code: -1, output: `${output}\n${error.message}` }));
    child.on("close", (code, signal) =>
      resolve({
        code: code ?? -1,
        output: signal ? `${output}\napt-get ${args[0]}: killed (${signal}) after ${timeoutMs} ms` : output,
      }),
    );
  });
}

function lastLines(text, n = 6) {
  return text.trim().split("\n").slice(-n).join("\n");
}

/**
 * Finds Debian's Chromium or, as root where apt-get exists, installs it (`apt-get update`, then
 * `apt-get install --no-install-recommends chromium`; only when it is missing). Never throws. With
 * `CC_CHROMIUM_PATH` set, uses that binary and never installs.
 *
 * @param {{ install?: boolean, timeoutMs?: number, log?: (line: string) => void }} [options]
 *   `install: false` only looks; `timeoutMs` bounds each apt-get step (default 10 minutes); `log`
 *   receives one line before an install and the tail of apt-get's output if it fails (default: stderr).
 * @returns {Promise<{ path: string, howTo: null, installed: boolean } | { path: null, howTo: string, installed: false }>}
 *   The browser's path (and whether this call installed it), or null with a one-line how-to.
 */
export async function ensureChromium(options = {}) {
  const { install = true, timeoutMs = 10 * 60_000, log = (line) => console.error(line) } = options;
  const found = findChromium();
  if (found) return { path: found, howTo: null, installed: false };
  const unavailable = (why) => ({
    path: null,
    howTo: `Chromium not found (${why}): ${CHROMIUM_HOW_TO}`,
    installed: false,
  });
  if (process.env.CC_CHROMIUM_PATH)
    return unavailable(`CC_CHROMIUM_PATH=${process.env.CC_CHROMIUM_PATH} is not an executable`);
  if (!install) return unavailable("not installed");
  if (process.platform !== "linux") return unavailable(`no apt-get on ${process.platform}`);
  if (typeof process.getuid !== "function" || process.getuid() !== 0)
    return unavailable("not root, cannot apt-get install");
  if (!existsSync("/usr/bin/apt-get")) return unavailable("no apt-get on this machine");

  log("[cc] installing Debian's chromium with apt-get (first time only, a few minutes)");
  const started = Date.now();
  const update = await aptGet(["update"], timeoutMs);
  if (update.code !== 0) {
    log(`[cc] apt-get update failed (exit ${update.code}):\n${lastLines(update.output)}`);
    // Lists from an earlier update may still do: try the install anyway.
  }
  const installRun = await aptGet(["install", "-y", "--no-install-recommends", "chromium"], timeoutMs);
  const path = findChromium();
  if (installRun.code !== 0 || !path) {
    log(`[cc] apt-get install chromium failed (exit ${installRun.code}):\n${lastLines(installRun.output)}`);
    return unavailable(`apt-get install chromium failed, exit ${installRun.code}`);
  }
  log(`[cc] installed ${path} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { path, howTo: null, installed: true };
}

/** The flags every test launches Chromium with: headless, and no background connections (closed network). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// `node scripts/_chromium.mjs` installs (if needed) and prints the path, or the how-to with exit 1.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await ensureChromium();
  if (result.path) console.log(result.path);
  else {
    console.error(result.howTo);
    process.exitCode = 1;
  }
}
