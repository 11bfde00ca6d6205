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
function captureThreadsJsExpose(url: string): { exposed(): unknown; stop(): void } {
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

// Modules are imported one at a time while capturing: `expose` has one recording slot, and two
// modules loading at once would otherwise record each other's functions.
let importing: Promise<unknown> = Promise.resolve();

/** Imports the module at `url`, with what it exposes through threads.js added to its exports. */
export function importCapturingExpose(url: string): Promise<Record<string, unknown>> {
  const done = importing.then(async () => {
    const capture = captureThreadsJsExpose(url);
    try {
      const ns = (await import(url)) as Record<string, unknown>;
      const exposed = capture.exposed();
      return exposed === undefined ? ns : withExposed(ns, exposed);
    } finally {
      capture.stop();
    }
  });
  importing = done.catch(() => {});
  return done;
}

/** The module's namespace plus what it exposed (own exports win). */
function withExposed(ns: Record<string, unknown>, exposed: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (typeof exposed === "function") out.default = exposed;
  else if (typeof exposed === "object" && exposed !== null) {
    for (const key of Object.keys(exposed)) out[key] = (exposed as Record<string, unknown>)[key];
  }
  for (const key of Object.keys(ns)) out[key] = ns[key];
  return out;
}
