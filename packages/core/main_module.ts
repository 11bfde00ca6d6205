/**
 * Python's `if __name__ == "__main__":` for modules that are both a program and a task module.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";

/**
 * True only in the process that was started with this module as its entry (`node main.js`,
 * `tsx main.ts`), never in a cc worker thread or child process that imports the module to run one
 * of its tasks. Wrap a program's main code in it, as Python programs do with `__name__ == "__main__"`.
 *
 * @example
 * ```ts
 * import { isMainModule } from "@cc/core";
 * export function task(id: number): number { return id ** 2; }
 * if (isMainModule(import.meta)) {
 *   console.log(task(123));
 * }
 * ```
 */
export function isMainModule(meta: ImportMeta): boolean {
  if (!isMainThread) return false;
  if ((globalThis as Record<symbol, unknown>)[Symbol.for("cc.workerRuntime")] === true) return false;
  const native = (meta as { main?: unknown }).main;
  if (typeof native === "boolean") return native;
  const entry = process.argv[1];
  if (!entry) return false;
  if (meta.url === pathToFileURL(entry).href) return true;
  try {
    return meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}
