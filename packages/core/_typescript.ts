// TypeScript task modules in workers and child processes. cc compiles them with a real TypeScript
// transform: where Node has in-thread module hooks (22.15+), cc's own loader (_ts_hooks.ts), which runs
// tsx's esbuild once per file into a cache every worker shares; elsewhere tsx itself, found from the
// task module, the working directory or cc, and registered inside the worker (tsx does not register
// itself in worker threads on Node 20, nor on 22 before 22.22.3). Node's own type stripping (22.6+) is only the fallback when no tsx can be found: it is not
// TypeScript (no enums, namespaces, parameter properties or decorators, and no compiling of syntax the
// runtime lacks, such as `await using` on Node 22), so its failures are explained with the fix.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  formatOf,
  registerTypeScriptHooks,
  registerTypeScriptHooksOffThread,
  syncHooksApi,
  usesTsconfigPaths,
} from "./_ts_hooks.ts";

const REGISTERED = Symbol.for("cc.typescriptRegistered");
/** How this thread loads TypeScript, once known: a real transform, or Node's stripping only. */
type Loader = "transform" | "strip";

function loader(): Loader | undefined {
  const value = (globalThis as Record<symbol, unknown>)[REGISTERED];
  if (value === true || value === "transform") return "transform";
  return value === "strip" ? "strip" : undefined;
}

function setLoader(value: Loader): void {
  (globalThis as Record<symbol, unknown>)[REGISTERED] = value;
}

/** File URLs of tsx's ESM register API and its `--import` loader, resolved from the first place that has tsx. */
export function findTsx(from: readonly string[]): { api: string; loader: string; base: string } | undefined {
  for (const base of from) {
    try {
      const require = createRequire(base);
      const pkgPath = require.resolve("tsx/package.json");
      const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as {
        exports: Record<string, string | { import: string | { default: string } }>;
      };
      const apiEntry = pkg.exports["./esm/api"];
      const api =
        typeof apiEntry === "string"
          ? apiEntry
          : apiEntry && typeof apiEntry.import === "object"
            ? apiEntry.import.default
            : apiEntry?.import;
      const loader = pkg.exports["."];
      if (typeof api !== "string" || typeof loader !== "string") continue;
      const dir = dirname(pkgPath);
      return {
        api: pathToFileURL(join(dir, api)).href,
        loader: pathToFileURL(join(dir, loader)).href,
        base: pkgPath, // tsx's dependencies (esbuild) resolve from here
      };
    } catch {
      // not found from here: try the next place
    }
  }
  return undefined;
}

/** Places to look for tsx from: the module itself, the working directory, and cc. */
export function tsxSearchPath(moduleUrl: string | undefined): string[] {
  const places = [pathToFileURL(join(process.cwd(), "noop.js")).href, import.meta.url];
  return moduleUrl ? [moduleUrl, ...places] : places;
}

/** True if this thread was started with a module loader (`--import tsx`, `--loader ts-node/esm`…). */
function startedWithLoader(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return flags.some((flag) => /^--(?:import|loader|experimental-loader|require)\b|^-r$/.test(flag));
}

/**
 * A module that only a real TypeScript transform can load (a parameter property), written once to
 * the temporary folder: importing it tells whether a loader the program started with (tsx, ts-node,
 * swc…) already compiles TypeScript in this thread, so cc does not register tsx a second time.
 */
function probeUrl(): string {
  const source = "export class Probe {\n  constructor(readonly ok: boolean) {}\n}\n";
  const file = join(tmpdir(), "cc-typescript-probe-1.mts");
  try {
    if (readFileSync(file, "utf8") === source) return pathToFileURL(file).href;
  } catch {
    // not written yet
  }
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temp, source);
  renameSync(temp, file); // atomic: a concurrent reader sees the whole file or none
  return pathToFileURL(file).href;
}

async function transformActive(): Promise<boolean> {
  if (!startedWithLoader()) return false;
  try {
    const { Probe } = (await import(probeUrl())) as { Probe: new (ok: boolean) => { ok: boolean } };
    return new Probe(true).ok === true;
  } catch {
    return false;
  }
}

let registering: Promise<void> | undefined;

/**
 * Makes sure a TypeScript module can be imported in this thread: uses a transform the thread already
 * has, else registers tsx (once, also when several TypeScript modules load at the same time), else
 * falls back to Node's type stripping where this Node has it.
 */
export function ensureTypeScript(moduleUrl: string): Promise<void> {
  if (loader() !== undefined) return Promise.resolve();
  registering ??= setUp(moduleUrl).catch((error: unknown) => {
    registering = undefined; // another module may find tsx from its own folder
    throw error;
  });
  return registering;
}

async function setUp(moduleUrl: string): Promise<void> {
  if (await transformActive()) {
    setLoader("transform");
    return;
  }
  const tsx = findTsx(tsxSearchPath(moduleUrl));
  const fast = tsx ? fastPath(moduleUrl, tsx.base) : undefined;
  if (tsx && fast) {
    if (fast === "in-thread") registerTypeScriptHooks(tsx.base);
    else registerTypeScriptHooksOffThread(tsx.base);
    setLoader("transform");
    return;
  }
  if (tsx) {
    const { register } = (await import(tsx.api)) as { register: () => unknown };
    register();
    setLoader("transform");
    return;
  }
  if ((process.features as { typescript?: unknown }).typescript) {
    setLoader("strip");
    return;
  }
  throw new Error(
    `${moduleUrl} is TypeScript, and this Node.js (${process.version}) cannot load TypeScript: install "tsx" in the project (npm install --save-dev tsx), or build the task module to JavaScript`,
  );
}

/**
 * Whether cc's own loader (hooks over a shared transform cache, see _ts_hooks.ts) can stand in for
 * tsx, and how: "in-thread" where Node has `module.registerHooks` (22.15+), "off-thread" on Node's
 * hooks thread elsewhere (Node 20; ES module task modules only, since Node 20 ignores compiled
 * CommonJS from such hooks). It needs tsx's esbuild, a tsconfig without `paths`, and no
 * `CC_TYPESCRIPT=tsx` in the environment (which asks for tsx itself).
 */
function fastPath(moduleUrl: string, tsxBase: string): "in-thread" | "off-thread" | undefined {
  if (process.env.CC_TYPESCRIPT === "tsx") return undefined;
  try {
    createRequire(tsxBase).resolve("esbuild");
  } catch {
    return undefined;
  }
  const file = fileURLToPath(moduleUrl);
  if (usesTsconfigPaths(dirname(file))) return undefined;
  if (syncHooksApi()) return "in-thread";
  return formatOf(file) === "module" ? "off-thread" : undefined;
}

/**
 * Explains an import failure of a TypeScript task module that Node's type stripping loaded (no tsx was
 * found): the construct, the file and line, and the fix. Returns `undefined` for other failures.
 */
export function explainStripFailure(error: unknown): string | undefined {
  if (loader() !== "strip" || !(error instanceof SyntaxError)) return undefined;
  const where = /^(file:\/\/\S+:\d+)/.exec(error.stack ?? "")?.[1];
  const unsupported = (error as { code?: string }).code === "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX";
  return (
    `${error.message}${where ? ` at ${where}` : ""}. No tsx was found, so Node.js ${process.version} loaded the ` +
    "TypeScript itself, by stripping types: that accepts only erasable syntax (no enums, namespaces, parameter " +
    `properties or decorators)${unsupported ? "" : " and compiles no syntax this Node.js lacks (such as `await using` before Node 24)"}. ` +
    "Fix: install tsx beside the program (npm install --save-dev tsx) and cc compiles task modules with it, or build the task module to JavaScript"
  );
}
