// Runs worker modules written for threads.js (`expose(fn)` / `expose({ fn })` from "threads/worker") as cc
// task sources, so their users move to cc without rewriting them. While such a module is imported,
// threads.js's `expose` is swapped for one that records what the module exposes; `expose({ fn })` then
// serves `task(url, "fn")`, and `expose(fn)` serves `task(url, "default")`.
import { createRequire } from "node:module";

const EXPOSED = Symbol.for("cc.threadsJsExposed");

interface ThreadsWorkerModule {
  expose: (exposed: unknown) => void;
  [EXPOSED]?: { current: unknown[] | undefined };
}

const noCapture = { exposed: () => undefined, stop: () => {} };

/** Starts recording what the module at `url` exposes through threads.js, if threads.js is installed there. */
export function captureThreadsJsExpose(url: string): { exposed(): unknown; stop(): void } {
  let workerModule: ThreadsWorkerModule;
  try {
    workerModule = createRequire(url)("threads/worker") as ThreadsWorkerModule;
  } catch {
    return noCapture; // threads.js is not installed for this module
  }
  if (typeof workerModule?.expose !== "function") return noCapture;
  if (!workerModule[EXPOSED]) {
    const state: { current: unknown[] | undefined } = { current: undefined };
    workerModule[EXPOSED] = state;
    workerModule.expose = (exposed: unknown) => {
      if (!state.current) throw new Error("expose() was called outside of a module that cc is loading");
      state.current.push(exposed);
    };
  }
  const state = workerModule[EXPOSED]!;
  const previous = state.current;
  const mine: unknown[] = [];
  state.current = mine;
  return {
    exposed: () => mine[0],
    stop: () => {
      state.current = previous;
    },
  };
}

/** The module's namespace plus what it exposed (own exports win). */
export function withExposed(ns: Record<string, unknown>, exposed: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (typeof exposed === "function") out.default = exposed;
  else if (typeof exposed === "object" && exposed !== null) {
    for (const key of Object.keys(exposed)) out[key] = (exposed as Record<string, unknown>)[key];
  }
  for (const key of Object.keys(ns)) out[key] = ns[key];
  return out;
}
