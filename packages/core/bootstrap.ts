/**
 * The bootstrapping guard: Python's refusal to start a process "before the current process has
 * finished its bootstrapping phase", for cc's workers.
 *
 * @module
 */

import type { AsyncLocalStorage } from "node:async_hooks";
import { importsInProgress, reviving } from "./_bootstrap.ts";
import { BootstrapError } from "./errors.ts";

const CONTEXT = Symbol.for("cc.taskContextStorage");

/** The task module a worker is still importing outside any task, if any. */
function bootstrappingModule(): string | undefined {
  if ((globalThis as Record<symbol, unknown>)[Symbol.for("cc.workerRuntime")] !== true) return undefined;
  const imports = importsInProgress();
  if (imports.size === 0 || reviving()) return undefined;
  // code that runs inside a task (nested pools, a task that imports a module) is not bootstrapping
  const storage = (globalThis as Record<symbol, AsyncLocalStorage<unknown> | undefined>)[CONTEXT];
  if (storage?.getStore() !== undefined) return undefined;
  return imports.keys().next().value;
}

/**
 * Throws a {@linkcode BootstrapError} when called while a cc worker is still importing a task module
 * outside any task: the module's top-level code is starting `what` (a pool, a thread, a process). That
 * is a program without the {@linkcode isMainModule} guard, whose every worker would start workers of
 * its own again without end. Every cc model calls it before it starts a worker; a pool started from
 * inside a running task (nested pools) passes.
 *
 * @param what What is being started, for the message (e.g. `"a ThreadPoolExecutor"`).
 *
 * @example
 * ```ts
 * import { assertNotBootstrapping } from "@cc/core";
 * assertNotBootstrapping("a worker"); // the main thread of a program: never throws
 * ```
 */
export function assertNotBootstrapping(what: string): void {
  const module = bootstrappingModule();
  if (module !== undefined) throw new BootstrapError(what, module);
}
