// cc's own TypeScript loader, for Node.js versions with synchronous in-thread module hooks
// (`module.registerHooks`: 22.15+, 23.5+). tsx costs every new worker the load of tsx and esbuild
// (and, where it must use `module.register`, a hooks thread of its own): 2-5x the start of a worker
// that loads JavaScript. This loader transforms each TypeScript file once, with the esbuild that tsx
// brings, into a cache on disk shared by every worker and process; a worker whose files are cached
// loads no compiler at all.
//
// It handles what a task module graph needs: `.ts`/`.mts`/`.cts`/`.tsx` files (format from the
// extension or the nearest package.json, as Node decides), TypeScript-style specifiers (`./x.js`
// naming `./x.ts`, extensionless, a folder's `index.ts`), and the nearest tsconfig.json's options
// (esbuild reads it, with its `extends`). A tsconfig with `paths` is the one thing it leaves to tsx.
//
// This file is loaded by Node's own type stripping when cc runs from its sources: erasable syntax only.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { createRequire } from "node:module";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Bump when the transform's options change, so old cache entries are not used. */
const CACHE_VERSION = "1";
const TS_FILE = /\.(?:[cm]?ts|tsx)$/;

interface ResolveContext {
  parentURL?: string;
  conditions?: readonly string[];
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface LoadContext {
  format?: string | null;
  conditions?: readonly string[];
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source?: string | Uint8Array | null;
  shortCircuit?: boolean;
}
interface SyncHooks {
  resolve(
    specifier: string,
    context: ResolveContext,
    next: (specifier: string, context?: ResolveContext) => ResolveResult,
  ): ResolveResult;
  load(url: string, context: LoadContext, next: (url: string, context?: LoadContext) => LoadResult): LoadResult;
}
type RegisterHooks = (hooks: SyncHooks) => unknown;

interface EsbuildApi {
  version: string;
  buildSync(options: Record<string, unknown>): { outputFiles?: { text: string }[] };
}

/** `module.registerHooks` where this Node.js has it. */
export function syncHooksApi(): RegisterHooks | undefined {
  const api = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  return typeof api === "function" ? api : undefined;
}

/**
 * Where the compiled files live: one folder per user, shared by every process, made private (0700). A
 * folder someone else owns, or others can write to, is not trusted (it could hold code planted for this
 * user): then nothing is cached, and each worker compiles what it loads.
 */
function cacheDir(): string | undefined {
  let uid = -1;
  try {
    uid = userInfo().uid;
  } catch {
    // no passwd entry
  }
  const dir = join(tmpdir(), `cc-typescript-${uid < 0 ? "user" : uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    if (!stat.isDirectory() || (uid >= 0 && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The version of the esbuild at `esbuildPath` (part of the cache key), read from its package.json. */
function esbuildVersion(esbuildPath: string): string {
  try {
    const file = createRequire(esbuildPath).resolve("esbuild/package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "?";
  } catch {
    return "?";
  }
}

const packageTypes = new Map<string, string>();

/** "module" or "commonjs" from the nearest package.json, as Node decides a `.ts` file's format. */
function packageType(dir: string): string {
  const known = packageTypes.get(dir);
  if (known !== undefined) return known;
  let type: string;
  try {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { type?: unknown };
    type = pkg.type === "module" ? "module" : "commonjs";
  } catch {
    const parent = dirname(dir);
    type = parent === dir ? "commonjs" : packageType(parent);
  }
  packageTypes.set(dir, type);
  return type;
}

/** The nearest tsconfig.json's text (part of the cache key), or "". */
function nearestTsconfig(dir: string): string {
  for (let d = dir; ; ) {
    try {
      return readFileSync(join(d, "tsconfig.json"), "utf8");
    } catch {
      const parent = dirname(d);
      if (parent === d || d.endsWith("/node_modules")) return "";
      d = parent;
    }
  }
}

/** True if the tsconfig that governs `dir` maps module `paths`, which only tsx resolves. */
export function usesTsconfigPaths(dir: string): boolean {
  return /"paths"\s*:/.test(nearestTsconfig(dir));
}

/** The format Node gives a TypeScript file: by extension, else by the nearest package.json `type`. */
export function formatOf(file: string): "module" | "commonjs" {
  if (file.endsWith(".mts")) return "module";
  if (file.endsWith(".cts")) return "commonjs";
  return packageType(dirname(file)) === "module" ? "module" : "commonjs";
}

/** TypeScript-style spellings of a relative specifier that Node could not resolve. */
function candidates(specifier: string): string[] {
  const js = /\.(m|c)?jsx?$/.exec(specifier);
  if (js) {
    const stem = specifier.slice(0, js.index);
    const kind = js[1] ?? "";
    return specifier.endsWith("x") ? [`${stem}.tsx`] : [`${stem}.${kind}ts`, ...(kind ? [] : [`${stem}.tsx`])];
  }
  if (/\.[cm]?tsx?$/.test(specifier)) return [];
  return [`${specifier}.ts`, `${specifier}.tsx`, `${specifier}/index.ts`, `${specifier}/index.tsx`];
}

const RELATIVE = /^(?:\.{1,2}(?:\/|$)|\/|file:)/;

/** Compiles TypeScript files through the shared cache; esbuild is loaded on the first cache miss. */
function createCompiler(esbuildPath: string): (url: string) => LoadResult | undefined {
  const dir = cacheDir();
  let esbuild: EsbuildApi | undefined;
  const target = `node${process.versions.node}`;
  const compiler = `${CACHE_VERSION}\0${esbuildVersion(esbuildPath)}\0${target}`;
  const transform = (file: string, format: "module" | "commonjs"): string => {
    esbuild ??= createRequire(esbuildPath)("esbuild") as EsbuildApi;
    const result = esbuild.buildSync({
      entryPoints: [file],
      bundle: false,
      write: false,
      format: format === "module" ? "esm" : "cjs",
      platform: "node",
      target,
      sourcemap: "inline",
      sourcesContent: false,
      logLevel: "silent",
      charset: "utf8",
    });
    const text = result.outputFiles?.[0]?.text;
    if (text === undefined) throw new Error(`esbuild gave no output for ${file}`);
    return text;
  };
  return (url) => {
    if (!url.startsWith("file:")) return undefined;
    const file = fileURLToPath(url);
    if (!TS_FILE.test(file)) return undefined;
    const source = readFileSync(file, "utf8");
    const format = formatOf(file);
    const key = createHash("sha256")
      .update(`${compiler}\0${format}\0${file}\0${nearestTsconfig(dirname(file))}\0${source}`)
      .digest("hex")
      .slice(0, 40);
    if (dir === undefined) return { format, source: transform(file, format), shortCircuit: true };
    const cached = join(dir, `${key}.js`);
    let code: string;
    try {
      code = readFileSync(cached, "utf8");
    } catch {
      code = transform(file, format);
      try {
        const temp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
        writeFileSync(temp, code, { mode: 0o600 });
        renameSync(temp, cached); // atomic: a concurrent reader sees the whole file or none
      } catch {
        // a cache that cannot be written only costs the next worker a transform
      }
    }
    return { format, source: code, shortCircuit: true };
  };
}

/** True if a failed resolution is worth retrying with TypeScript spellings. */
function retryable(error: unknown, specifier: string, context: ResolveContext): boolean {
  const code = (error as { code?: string }).code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "ERR_UNSUPPORTED_DIR_IMPORT") return false;
  return RELATIVE.test(specifier) && context.parentURL?.startsWith("file:") === true;
}

/**
 * Registers cc's TypeScript hooks in this thread. `esbuildPath` is where esbuild can be required from
 * (tsx's own dependency), loaded only when a file is not in the cache yet.
 */
export function registerTypeScriptHooks(esbuildPath: string): void {
  const register = syncHooksApi();
  if (!register) throw new Error(`module.registerHooks is not available in Node.js ${process.version}`);
  const compile = createCompiler(esbuildPath);
  process.setSourceMapsEnabled(true);
  register({
    resolve(specifier, context, next) {
      try {
        return next(specifier, context);
      } catch (error) {
        if (!retryable(error, specifier, context)) throw error;
        for (const candidate of candidates(specifier)) {
          try {
            return next(candidate, context);
          } catch {
            // try the next spelling
          }
        }
        throw error;
      }
    },
    load(url, context, next) {
      return compile(url) ?? next(url, context);
    },
  });
}

// The same hooks for `module.register` (Node 20 and 22 before 22.15: no in-thread hooks), run on Node's
// hooks thread: `registerTypeScriptHooksOffThread` registers this very module there.

let offThreadCompile: ((url: string) => LoadResult | undefined) | undefined;

/** `module.register`'s `initialize` hook: receives where esbuild can be required from. */
export function initialize(data: { esbuildPath: string }): void {
  offThreadCompile = createCompiler(data.esbuildPath);
}

/** `module.register`'s `resolve` hook. */
export async function resolve(
  specifier: string,
  context: ResolveContext,
  next: (specifier: string, context?: ResolveContext) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!retryable(error, specifier, context)) throw error;
    for (const candidate of candidates(specifier)) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next spelling
      }
    }
    throw error;
  }
}

/** `module.register`'s `load` hook. */
export async function load(
  url: string,
  context: LoadContext,
  next: (url: string, context?: LoadContext) => Promise<LoadResult>,
): Promise<LoadResult> {
  return offThreadCompile?.(url) ?? next(url, context);
}

/** Registers this module's hooks on Node's hooks thread (`module.register`), for Nodes without `registerHooks`. */
export function registerTypeScriptHooksOffThread(esbuildPath: string): void {
  const register = (nodeModule as unknown as { register?: (url: string, options: unknown) => void }).register;
  if (typeof register !== "function") throw new Error(`module.register is not available in Node.js ${process.version}`);
  process.setSourceMapsEnabled(true);
  // By name rather than `import.meta.url`: in a bundled dist/ this code may sit in a shared chunk.
  const self = new URL(`./_ts_hooks${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
  register(self.href, { data: { esbuildPath } });
}
