// Runs one job's task: in the cc-worker's own thread (`--execute in-process`) or, as a cc task itself,
// in a local ThreadPoolExecutor / ProcessPoolExecutor (`threads` / `processes`), so that currentJob()
// answers inside the task wherever it runs.
import { AsyncLocalStorage } from "node:async_hooks";
import { importTaskModule, type TaskContext } from "@cc/core";
import { encodeThrown } from "./_codec.ts";
import type { ChunkFailure } from "./_map.ts";
import { _jobStorage, type JobInfo } from "./job_context.ts";

// biome-ignore lint/suspicious/noExplicitAny: a task's function type is whatever the user wrote.
type AnyFunction = (...args: any[]) => unknown;

async function call(fn: AnyFunction, info: JobInfo, args: unknown[], chunk: boolean): Promise<unknown> {
  return _jobStorage().run(info, async () => {
    if (!chunk) return await fn(...args);
    const results: unknown[] = [];
    for (const item of args as unknown[][]) {
      try {
        results.push(await fn(...item));
      } catch (error) {
        // the results before the failing item still reach the caller, then the error at its place
        const failure: ChunkFailure = { $ccChunkFailed: 1, results, error: encodeThrown(error) };
        return failure;
      }
    }
    return results;
  });
}

/**
 * A pool task: imports the task module the cc-worker resolved from its own allow-list (never a path from
 * a job) and runs the export for `info`'s job.
 */
export async function runJob(
  url: string,
  exportName: string,
  info: JobInfo,
  args: unknown[],
  chunk: boolean,
): Promise<unknown> {
  const mod = await importTaskModule(url);
  const fn = Object.hasOwn(mod, exportName) ? mod[exportName] : undefined;
  if (typeof fn !== "function") throw new TypeError(`${url} has no function export named ${exportName}`);
  return call(fn as AnyFunction, info, args, chunk);
}

// @cc/core's task context (currentTask()) lives in an AsyncLocalStorage under this global symbol, installed
// by core's worker runtime; in the cc-worker's own thread cc installs one, so tasks that use
// currentTask().signal work in every --execute mode.
const CORE_STORAGE = Symbol.for("cc.taskContextStorage");

function coreStorage(): AsyncLocalStorage<TaskContext> {
  const g = globalThis as Record<symbol, AsyncLocalStorage<TaskContext> | undefined>;
  let storage = g[CORE_STORAGE];
  if (storage === undefined) {
    storage = new AsyncLocalStorage<TaskContext>();
    g[CORE_STORAGE] = storage;
  }
  return storage;
}

/** Runs `fn` in this thread for a job, with currentTask() (signal) and currentJob() set. */
export function runInProcess(
  fn: AnyFunction,
  info: JobInfo,
  args: unknown[],
  chunk: boolean,
  stop: { readonly signal: AbortSignal },
): Promise<unknown> {
  const context: TaskContext = {
    get signal() {
      return stop.signal;
    },
    name: info.name,
    progress() {},
  };
  return coreStorage().run(context, () => call(fn, info, args, chunk));
}
