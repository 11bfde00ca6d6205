/**
 * Imports a module the way cc's workers import task modules: a TypeScript file (`.ts`, `.mts`, `.cts`,
 * `.tsx`) through cc's TypeScript loader — a real transform on every supported Node.js, as in a
 * `ThreadPoolExecutor`'s workers — and anything else with `import()`. For programs that run tasks
 * themselves, such as `@cc/distributed`'s `cc-worker`.
 *
 * @example
 * ```ts
 * import { importTaskModule } from "@cc/core";
 * const os = await importTaskModule("node:os");
 * console.assert(typeof os.availableParallelism === "function");
 * ```
 *
 * @param url The module's URL (a `file:` URL for a TypeScript file).
 * @returns The module's namespace.
 */
export async function importTaskModule(url: string | URL): Promise<Record<string, unknown>> {
  const href = String(url);
  if (!/\.(?:[cm]?ts|tsx)$/.test(href)) return (await import(href)) as Record<string, unknown>;
  const typescript = await import("./_typescript.ts");
  await typescript.ensureTypeScript(href);
  try {
    return (await import(href)) as Record<string, unknown>;
  } catch (cause) {
    const explained = typescript.explainStripFailure(cause);
    if (explained === undefined) throw cause;
    throw new Error(`${href} failed to import: ${explained}`, { cause });
  }
}
