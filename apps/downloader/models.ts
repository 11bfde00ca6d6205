/**
 * The concurrency models the CLI can run the downloads on. Each one is a {@linkcode DownloadModel}:
 * to add a model (threads, processes, pool, executor), write one more object and put it in
 * {@linkcode MODELS}; `--model` and `--help` list it from there.
 *
 * @module
 */
import { limit } from "@cc/async";
import { ThreadPoolExecutor } from "@cc/executors";
import { type Future, wait } from "@cc/futures";
import { Pool, ProcessPoolExecutor } from "@cc/processes";
import { type DownloadOptions, type DownloadResult, fetchUserPicture, fetchUserPictureTask } from "./download.ts";

/** What one download gave: the saved path, or the error. */
export type DownloadOutcome =
  | {
      readonly id: number | string;
      readonly ok: true;
      readonly path: string;
      readonly bytes: number;
      readonly retries: number;
    }
  | { readonly id: number | string; readonly ok: false; readonly error: unknown; readonly retries: number };

/** The retry and timeout options of a download (structured-clonable, so they reach workers). */
export type DownloadRetryOptions = Pick<DownloadOptions, "retries" | "retryTime" | "retryDelay" | "timeout">;

/** Options every model receives. */
export interface RunOptions {
  /** The service's origin, passed to {@linkcode downloadUserPicture}. */
  baseUrl: string;
  /** The output folder, passed to {@linkcode downloadUserPicture}. */
  outDir: string;
  /** Retries and timeout of each download (the defaults of {@linkcode DownloadOptions} otherwise). */
  retry?: DownloadRetryOptions;
  /** How many downloads may run at once (models that run one at a time ignore it). */
  concurrency: number;
  /** Stops the downloads that have not finished; they fail with the signal's reason. */
  signal?: AbortSignal;
  /** Called once per id as soon as its download has settled (for progress output). */
  onSettled?: (outcome: DownloadOutcome) => void;
}

/** A way to run the downloads: sequentially, concurrently on the event loop, in workers… */
export interface DownloadModel {
  /** The `--model` value. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** Whether `--concurrency` applies. */
  readonly usesConcurrency: boolean;
  /**
   * Downloads the picture of every id and returns one outcome per id, in the order of `ids`.
   * A failed download does not stop the others.
   */
  run(ids: readonly (number | string)[], options: RunOptions): Promise<DownloadOutcome[]>;
}

async function settle(id: number | string, options: RunOptions): Promise<DownloadOutcome> {
  const { baseUrl, outDir, signal, retry } = options;
  let outcome: DownloadOutcome;
  try {
    const result = await fetchUserPicture(id, { ...retry, baseUrl, outDir, ...(signal ? { signal } : {}) });
    outcome = { id, ok: true, path: result.path, bytes: result.bytes, retries: result.retries };
  } catch (error) {
    outcome = { id, ok: false, error, retries: retriesOf(error) };
  }
  options.onSettled?.(outcome);
  return outcome;
}

/** The retries a failed download made (a {@linkcode DownloadError}'s `retries`, also from a worker). */
export function retriesOf(error: unknown): number {
  const retries = (error as { retries?: unknown } | null)?.retries;
  return typeof retries === "number" ? retries : 0;
}

/**
 * One download after the other, as the course's n9 does with its three `run_until_complete` calls
 * (but without blocking the event loop).
 *
 * @example
 * ```ts
 * import { sequentialModel, startServer } from "./mod.ts";
 * await using server = await startServer();
 * const outcomes = await sequentialModel.run([123, 456], { baseUrl: server.url, outDir: "output", concurrency: 1 });
 * console.assert(outcomes.every((o) => o.ok));
 * ```
 */
export const sequentialModel: DownloadModel = {
  name: "sequential",
  description: "one download at a time (the course's n9)",
  usesConcurrency: false,
  async run(ids, options) {
    const outcomes: DownloadOutcome[] = [];
    for (const id of ids) outcomes.push(await settle(id, options));
    return outcomes;
  },
};

/**
 * Concurrent downloads on the event loop, at most `concurrency` at once (a semaphore): what n9
 * should have been.
 *
 * @example
 * ```ts
 * import { asyncModel, startServer } from "./mod.ts";
 * await using server = await startServer({ latency: 20 });
 * const outcomes = await asyncModel.run([1, 2, 3, 4], { baseUrl: server.url, outDir: "output", concurrency: 4 });
 * console.assert(outcomes.length === 4 && server.stats().maxInFlight > 1);
 * ```
 */
export const asyncModel: DownloadModel = {
  name: "async",
  description: "concurrent downloads on the event loop, at most --concurrency at once",
  usesConcurrency: true,
  run(ids, options) {
    const run = limit(options.concurrency);
    return Promise.all(ids.map((id) => run(() => settle(id, options))));
  },
};

/** What the executor models need of an executor: cc's thread and process pools both fit. */
interface DownloadExecutor extends AsyncDisposable {
  submitWith(
    task: typeof fetchUserPictureTask,
    args: Parameters<typeof fetchUserPicture>,
    options: { signal?: AbortSignal },
  ): Future<DownloadResult>;
}

/**
 * A model that submits one task per id to a pool of workers, waits for all of them (Python's
 * `wait`), and reads the results in input order — the course's n7/n8 and ProcessPoolExecutor programs.
 */
export function executorModel(
  name: string,
  description: string,
  create: (maxWorkers: number) => DownloadExecutor,
): DownloadModel {
  return {
    name,
    description,
    usesConcurrency: true,
    async run(ids, options) {
      const { baseUrl, outDir, signal, retry } = options;
      await using executor = create(options.concurrency);
      const futures = ids.map((id) => {
        const future = executor.submitWith(
          fetchUserPictureTask,
          [id, { ...retry, baseUrl, outDir }],
          signal ? { signal } : {},
        );
        future.addDoneCallback((f) => options.onSettled?.(outcomeOf(id, f, signal)));
        return future;
      });
      await wait(futures);
      return futures.map((f, i) => outcomeOf(ids[i]!, f, signal));
    },
  };
}

function outcomeOf(
  id: number | string,
  future: Future<DownloadResult>,
  signal: AbortSignal | undefined,
): DownloadOutcome {
  if (future.cancelled() || (signal?.aborted && future.exceptionNow() !== undefined)) {
    // stopped by the caller: report the caller's reason, whatever the stop looked like inside the pool
    const error = signal?.aborted ? signal.reason : new Error(`download ${id} was cancelled`);
    return { id, ok: false, error, retries: 0 };
  }
  const error = future.exceptionNow();
  if (error !== undefined) return { id, ok: false, error, retries: retriesOf(error) };
  const { path, bytes, retries } = future.resultNow();
  return { id, ok: true, path, bytes, retries };
}

/**
 * Downloads in worker threads: a `ThreadPoolExecutor` with `--concurrency` threads (the course's n8).
 *
 * @example
 * ```ts ignore
 * import { startServer, threadsModel } from "./mod.ts";
 * await using server = await startServer();
 * const outcomes = await threadsModel.run([123, 456], { baseUrl: server.url, outDir: "output", concurrency: 2 });
 * console.assert(outcomes.every((o) => o.ok));
 * ```
 */
export const threadsModel: DownloadModel = executorModel(
  "threads",
  "a ThreadPoolExecutor with --concurrency worker threads (the course's n8)",
  (maxWorkers) => new ThreadPoolExecutor({ maxWorkers }),
);

/**
 * Downloads in child processes: a `ProcessPoolExecutor` with `--concurrency` processes (the course's
 * ProcessPoolExecutor program).
 *
 * @example
 * ```ts ignore
 * import { processesModel, startServer } from "./mod.ts";
 * await using server = await startServer();
 * const outcomes = await processesModel.run([123, 456], { baseUrl: server.url, outDir: "output", concurrency: 2 });
 * console.assert(outcomes.every((o) => o.ok));
 * ```
 */
export const processesModel: DownloadModel = executorModel(
  "processes",
  "a ProcessPoolExecutor with --concurrency child processes (the course's ProcessPoolExecutor)",
  (maxWorkers) => new ProcessPoolExecutor({ maxWorkers }),
);

/**
 * Downloads on a `multiprocessing`-style `Pool` of `--concurrency` processes, one `applyAsync` per id
 * (the course's `Pool(processes=4).map`, with one outcome per id instead of failing the whole map).
 *
 * @example
 * ```ts ignore
 * import { poolModel, startServer } from "./mod.ts";
 * await using server = await startServer();
 * const outcomes = await poolModel.run([123, 456], { baseUrl: server.url, outDir: "output", concurrency: 2 });
 * console.assert(outcomes.every((o) => o.ok));
 * ```
 */
export const poolModel: DownloadModel = executorModel(
  "pool",
  "a multiprocessing-style Pool of --concurrency processes (the course's Pool)",
  (processes) => {
    const pool = new Pool({ processes });
    return {
      // An abort reaches each running download's own signal, which removes its temporary file, rather
      // than pool.terminate() (Python's way), whose SIGTERM would cut the writes short and leave them.
      submitWith: (task, args, options) => pool.applyAsync(task, args, options).future,
      [Symbol.asyncDispose]: async () => {
        pool.close();
        await pool.join();
      },
    };
  },
);

/**
 * The models `--model` accepts, in `--help` order (the CLI's default is `async`).
 *
 * @example
 * ```ts
 * import { MODELS } from "./mod.ts";
 * console.assert(MODELS.map((m) => m.name).join() === "sequential,async,threads,processes,pool");
 * ```
 */
export const MODELS: readonly DownloadModel[] = [sequentialModel, asyncModel, threadsModel, processesModel, poolModel];
