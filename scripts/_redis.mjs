// A real Redis for tests, the demo and the benchmark: finds (or, as root with apt-get, installs Debian's)
// `redis-server`, and starts private instances on free loopback ports in their own temporary folders.
//
//   import { ensureRedisServer, startRedis } from "../../scripts/_redis.mjs";
//   const redis = await startRedis();   // null when redis-server is missing (see ensureRedisServer)
//   ... redis.url ...; await redis.restart(); await redis.stop();
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** How to get redis-server, in one line (for skip messages). */
export const REDIS_HOWTO =
  "install Redis: `sudo apt-get install redis-server` (Debian/Ubuntu) or `brew install redis`, so that redis-server is on PATH";

function findOnPath(name) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin", "/usr/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return null;
}

let ensured;

/**
 * The path of `redis-server`: `CC_REDIS_SERVER` when set, else found on PATH or in /usr/bin; if missing and this process runs as root on a
 * machine with apt-get, installs Debian's package (`apt-get update` first when the package list is missing).
 * Otherwise returns null and sets `ensureRedisServer.reason` to a one-line how-to.
 * @param {{ quiet?: boolean }} [options] `quiet`: no line on stderr while installing.
 * @returns {string | null}
 */
export function ensureRedisServer({ quiet = false } = {}) {
  if (ensured !== undefined) return ensured;
  const forced = process.env.CC_REDIS_SERVER;
  if (forced) {
    // an explicit redis-server (e.g. Homebrew's), never installed: used as given or reported missing
    try {
      accessSync(forced, constants.X_OK);
      ensured = forced;
    } catch {
      ensured = null;
      ensureRedisServer.reason = `CC_REDIS_SERVER=${forced} is not an executable; ${REDIS_HOWTO}`;
    }
    return ensured;
  }
  let found = findOnPath("redis-server");
  if (!found && process.getuid?.() === 0 && findOnPath("apt-get")) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const install = () =>
      spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "redis-server"], { stdio: "ignore", env });
    if (!quiet) process.stderr.write("redis-server is missing: installing Debian's redis-server with apt-get...\n");
    let r = install();
    if (r.status !== 0) {
      spawnSync("apt-get", ["update"], { stdio: "ignore", env });
      r = install();
    }
    found = findOnPath("redis-server");
    if (!found) ensureRedisServer.reason = `apt-get install redis-server failed (exit ${r.status}); ${REDIS_HOWTO}`;
  } else if (!found) {
    ensureRedisServer.reason = `redis-server not found; ${REDIS_HOWTO}`;
  }
  ensured = found;
  return found;
}
/** @type {string | undefined} */
ensureRedisServer.reason = undefined;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Sends one inline command and resolves with the first reply line (or rejects on a connection error). */
function command(port, line, timeoutMs = 1000) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("timeout"));
    }, timeoutMs);
    socket.on("connect", () => socket.write(`${line}\r\n`));
    socket.on("data", (chunk) => {
      data += chunk;
      if (data.includes("\r\n")) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data.split("\r\n")[0]);
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(data.split("\r\n")[0]);
    });
  });
}

async function waitForPing(port, child, deadlineMs = 15_000) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}) before answering PING`);
    }
    try {
      if ((await command(port, "PING")) === "+PONG") return;
    } catch {}
    if (Date.now() > end) throw new Error(`redis-server on port ${port} did not answer PING within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const live = new Set();
let exitHook = false;
function killAllOnExit() {
  if (exitHook) return;
  exitHook = true;
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

/**
 * Starts a private redis-server on a free loopback port (or `port`), in a temporary folder, without
 * persistence to disk except on `restart()` (which saves and reloads the data, like a server restart with
 * persistence), `maxmemory-policy noeviction` (BullMQ needs it). Returns null when redis-server is missing.
 * @param {{ port?: number, args?: string[], quiet?: boolean }} [options]
 * @returns {Promise<null | { url: string, port: number, dir: string, pid: number,
 *   stop(): Promise<void>, restart(options?: { downMs?: number }): Promise<void>, kill(): Promise<void> }>}
 */
export async function startRedis(options = {}) {
  const bin = ensureRedisServer({ quiet: options.quiet });
  if (!bin) return null;
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "cc-redis-"));
  killAllOnExit();
  let child;
  const launch = async () => {
    child = spawn(
      bin,
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "no",
        "--maxmemory-policy",
        "noeviction",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
        "--logfile",
        join(dir, "redis.log"),
        ...(options.args ?? []),
      ],
      { stdio: "ignore" },
    );
    live.add(child);
    const c = child;
    c.on("exit", () => live.delete(c));
    await waitForPing(port, c);
  };
  const exited = (c) =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once("exit", r));
  const shutdown = async (save) => {
    const c = child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    try {
      await command(port, save ? "SHUTDOWN SAVE" : "SHUTDOWN NOSAVE", 5000);
    } catch {}
    const timer = setTimeout(() => c.kill("SIGKILL"), 5000);
    await exited(c);
    clearTimeout(timer);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return child.pid;
    },
    /** Stops the server (its data is dropped) and removes its folder. */
    async stop() {
      await shutdown(false);
      rmSync(dir, { recursive: true, force: true });
    },
    /** Saves, stops and starts the server again on the same port with the same data; `downMs` it stays down. */
    async restart({ downMs = 0 } = {}) {
      await shutdown(true);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    /** SIGKILLs the server (no save). */
    async kill() {
      const c = child;
      c.kill("SIGKILL");
      await exited(c);
    },
  };
}
