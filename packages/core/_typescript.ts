// TypeScript task modules in workers and child processes. Node 22.6+ can strip types itself; on
// Node 20 cc registers tsx's ESM hooks inside the worker before importing a `.ts` module (tsx does not
// register itself in worker threads on Node 20), finding tsx from the task module, the working
// directory or cc itself.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const REGISTERED = Symbol.for("cc.typescriptRegistered");

/** True if this thread can already import TypeScript. */
function canImportTypeScript(): boolean {
  const features = process.features as { typescript?: unknown };
  return Boolean(features.typescript) || (globalThis as Record<symbol, unknown>)[REGISTERED] === true;
}

/** Records that a TypeScript loader is active in this thread. */
function markTypeScriptRegistered(): void {
  (globalThis as Record<symbol, unknown>)[REGISTERED] = true;
}

/** File URLs of tsx's ESM register API and its `--import` loader, resolved from the first place that has tsx. */
export function findTsx(from: readonly string[]): { api: string; loader: string } | undefined {
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
      return { api: pathToFileURL(join(dir, api)).href, loader: pathToFileURL(join(dir, loader)).href };
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

let registering: Promise<void> | undefined;

/**
 * Makes sure a TypeScript module can be imported in this thread (registers tsx if needed, once, also
 * when several TypeScript modules load at the same time).
 */
export function ensureTypeScript(moduleUrl: string): Promise<void> {
  if (canImportTypeScript()) return Promise.resolve();
  registering ??= registerTsx(moduleUrl).catch((error: unknown) => {
    registering = undefined; // another module may find tsx from its own folder
    throw error;
  });
  return registering;
}

async function registerTsx(moduleUrl: string): Promise<void> {
  const tsx = findTsx(tsxSearchPath(moduleUrl));
  if (!tsx) {
    throw new Error(
      `${moduleUrl} is TypeScript, and this Node.js (${process.version}) cannot strip types: install "tsx" in the project, or build the task module to JavaScript`,
    );
  }
  const { register } = (await import(tsx.api)) as { register: () => unknown };
  register();
  markTypeScriptRegistered();
}
