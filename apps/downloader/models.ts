/**
 * The concurrency models the CLI can run the downloads on. Each one is a {@linkcode DownloadModel}:
 * to add a model (threads, processes, pool, executor), write one more object and put it in
 * {@linkcode MODELS}; `--model` and `--help` list it from there.
 *
 * @module
 */
import { limit } from "@cc/async";
import { ThreadPoolExecutor } from "@cc/executors";
import { Future, wait } from "@cc/futures";
import { Pool, Process, ProcessPoolExecutor } from "@cc/processes";
import { Thread } from "@cc/threads";
import { distributedModel } from "./distributed_model.ts";
import {
  DownloadError,
  type DownloadOptions,
  type DownloadResult,
  fetchUserPicture,
  fetchUserPictureTask,
  fetchUserPictureUntilTask,
  removeTemporaryFiles,
  tryFetchUserPictureTask,
} from "./download.ts";

/** What one download gave: the saved path, or the error. */
export type DownloadOutcome =
  | {
      readonly id: number | string;
      readonly ok: true;
      readonly path: string;
      readonly bytes: number;
      readonly retries: number;
      /** The user's name, for the report. */
      readonly name: string;
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

/**
 * Thrown by a model's `prepare()` when what it needs is not on this machine (the distributed model
 * without `redis-server`): the tour skips that model with the message as its reason.
 *
 * @example
 * ```ts
 * import { ModelUnavailableError } from "./mod.ts";
 * console.assert(new ModelUnavailableError("no redis-server").name === "ModelUnavailableError");
 * ```
 */
export class ModelUnavailableError extends Error {
  override name = "ModelUnavailableError";
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
  /**
   * Starts what the model needs before it is timed (a Redis and its workers); disposing of the result
   * stops it. Throws {@linkcode ModelUnavailableError} when that cannot be had here.
   */
  prepare?(options: { concurrency: number }): Promise<AsyncDisposable>;
}

async function settle(id: number | string, options: RunOptions): Promise<DownloadOutcome> {
  const { baseUrl, outDir, signal, retry } = options;
  let outcome: DownloadOutcome;
  try {
    const result = await fetchUserPicture(id, { ...retry, baseUrl, outDir, ...(signal ? { signal } : {}) });
    outcome = succeeded(id, result);
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
  return succeeded(id, future.resultNow());
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

/** Calls `stop` once when `signal` aborts (at once if it has); returns the undo. */
function onAbort(signal: AbortSignal | undefined, stop: () => void): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    stop();
    return () => {};
  }
  signal.addEventListener("abort", stop, { once: true });
  return () => signal.removeEventListener("abort", stop);
}

/** The outcome of a download that wrote its picture. */
function succeeded(
  id: number | string,
  result: { path: string; bytes: number; retries: number; name: string },
): DownloadOutcome {
  return { id, ok: true, path: result.path, bytes: result.bytes, retries: result.retries, name: result.name };
}

function failed(id: number | string, error: unknown, signal: AbortSignal | undefined): DownloadOutcome {
  return { id, ok: false, error: signal?.aborted ? signal.reason : error, retries: retriesOf(error) };
}

/**
 * A `Thread` per id, all started, then joined (the course's n1–n4, with the download in each thread).
 * A thread has no signal: an abort reaches each download through shared memory
 * ({@linkcode fetchUserPictureUntil}), and it cleans up after itself.
 *
 * @example
 * ```ts ignore
 * import { startServer, threadModel } from "./mod.ts";
 * await using server = await startServer();
 * const outcomes = await threadModel.run([1, 2], { baseUrl: server.url, outDir: "output", concurrency: 1 });
 * console.assert(outcomes.every((o) => o.ok));
 * ```
 */
export const threadModel: DownloadModel = {
  name: "thread",
  description: "a Thread per id, all started then joined (the course's n1-n4)",
  usesConcurrency: false,
  async run(ids, options) {
    const { baseUrl, outDir, signal, retry } = options;
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const undo = onAbort(signal, () => {
      Atomics.store(stop, 0, 1);
      Atomics.notify(stop, 0);
    });
    const threads = ids.map(
      (id) => new Thread({ target: fetchUserPictureUntilTask, args: [id, { ...retry, baseUrl, outDir }, stop] }),
    );
    try {
      for (const thread of threads) thread.start();
      return await Promise.all(
        threads.map(async (thread, i) => {
          const id = ids[i]!;
          let outcome: DownloadOutcome;
          try {
            outcome = succeeded(id, await thread.join());
          } catch (error) {
            outcome = failed(id, error, signal);
          }
          options.onSettled?.(outcome);
          return outcome;
        }),
      );
    } finally {
      undo();
    }
  },
};

/**
 * A `Future` per id with a done callback, completed by a producer (the course's n5–n6): every download
 * starts at once on the event loop; the callbacks report them as they finish; `wait` collects them.
 *
 * @example
 * ```ts
 * import { futuresModel, startServer } from "./mod.ts";
 * await using server = await startServer();
 * const outcomes = await futuresModel.run([1, 2], { baseUrl: server.url, outDir: "output", concurrency: 1 });
 * console.assert(outcomes.every((o) => o.ok));
 * ```
 */
export const futuresModel: DownloadModel = {
  name: "futures",
  description: "a Future per id, completed by its producer, with a done callback (the course's n5-n6)",
  usesConcurrency: false,
  async run(ids, options) {
    const { baseUrl, outDir, signal, retry } = options;
    const futures = ids.map((id) => {
      const future = new Future<DownloadResult>();
      future.addDoneCallback((f) => options.onSettled?.(outcomeOf(id, f, signal)));
      const producer = async (): Promise<void> => {
        if (!future.setRunningOrNotifyCancel()) return;
        try {
          future.setResult(await fetchUserPicture(id, { ...retry, baseUrl, outDir, ...(signal ? { signal } : {}) }));
        } catch (error) {
          future.setException(error);
        }
      };
      void producer();
      return future;
    });
    await wait(futures);
    return futures.map((f, i) => outcomeOf(ids[i]!, f, signal));
  },
};

/**
 * A `Process` per id, all started, then joined, each checked by its `exitCode` (the course's n10). An
 * abort terminates the processes (SIGTERM) and removes what they left half-written.
 *
 * @example
 * ```ts ignore
 * import { processModel, startServer } from "./mod.ts";
 * await using server = await startServer();
 * const outcomes = await processModel.run([1, 2], { baseUrl: server.url, outDir: "output", concurrency: 1 });
 * console.assert(outcomes.every((o) => o.ok));
 * ```
 */
export const processModel: DownloadModel = {
  name: "process",
  description: "a Process per id, all started then joined, checked by exitCode (the course's n10)",
  usesConcurrency: false,
  async run(ids, options) {
    const { baseUrl, outDir, signal, retry } = options;
    const processes = ids.map(
      (id) => new Process<DownloadResult>({ target: fetchUserPictureTask, args: [id, { ...retry, baseUrl, outDir }] }),
    );
    const undo = onAbort(signal, () => {
      for (const p of processes) if (p.isAlive()) p.terminate();
    });
    try {
      for (const p of processes) {
        if (signal?.aborted) break;
        p.start();
      }
      return await Promise.all(
        processes.map(async (p, i) => {
          const id = ids[i]!;
          let outcome: DownloadOutcome;
          try {
            const result = p.exitCode === null && !p.isAlive() && signal?.aborted ? undefined : await p.join();
            if (result !== undefined && p.exitCode === 0) {
              outcome = succeeded(id, result);
            } else {
              outcome = failed(id, p.error ?? new DownloadError(String(id), `process exited ${p.exitCode}`), signal);
            }
          } catch (error) {
            outcome = failed(id, error, signal);
          }
          options.onSettled?.(outcome);
          return outcome;
        }),
      );
    } finally {
      undo();
      if (signal?.aborted) await removeTemporaryFiles(outDir, ids);
    }
  },
};

/**
 * `Pool.starmap` over the ids — the course's `Pool(processes=4).map(download_user_picture, ids)` — with
 * a task that returns each id's outcome instead of failing the whole list. The results come back
 * together, as `map`'s do. An abort terminates the pool and removes what it left half-written.
 *
 * @example
 * ```ts ignore
 * import { poolMapModel, startServer } from "./mod.ts";
 * await using server = await startServer();
 * const outcomes = await poolMapModel.run([1, 2], { baseUrl: server.url, outDir: "output", concurrency: 2 });
 * console.assert(outcomes.every((o) => o.ok));
 * ```
 */
export const poolMapModel: DownloadModel = {
  name: "pool-map",
  description: "Pool.map (starmap) over the ids on --concurrency processes (the course's Pool)",
  usesConcurrency: true,
  async run(ids, options) {
    const { baseUrl, outDir, signal, retry } = options;
    const pool = new Pool({ processes: options.concurrency });
    const undo = onAbort(signal, () => void pool.terminate());
    let outcomes: DownloadOutcome[];
    try {
      const results = await pool.starmap(
        tryFetchUserPictureTask,
        ids.map((id) => [id, { ...retry, baseUrl, outDir }] as [number | string, DownloadOptions]),
      );
      outcomes = results.map((r, i) =>
        r.ok
          ? succeeded(ids[i]!, r)
          : { id: ids[i]!, ok: false, error: new DownloadError(r.id, r.message), retries: r.retries },
      );
    } catch (error) {
      outcomes = ids.map((id) => failed(id, error, signal));
    } finally {
      undo();
      if (signal?.aborted) await pool.terminate();
      else {
        pool.close();
        await pool.join();
      }
      if (signal?.aborted) await removeTemporaryFiles(outDir, ids);
    }
    for (const outcome of outcomes) options.onSettled?.(outcome);
    return outcomes;
  },
};

/**
 * The models `--model` accepts, in `--help` order (the CLI's default is the tour, {@linkcode TOUR}).
 *
 * @example
 * ```ts
 * import { MODELS } from "./mod.ts";
 * console.assert(MODELS.map((m) => m.name).join() === "sequential,thread,futures,threads,async,process,pool-map,pool,processes,distributed");
 * ```
 */
export const MODELS: readonly DownloadModel[] = [
  sequentialModel,
  threadModel,
  futuresModel,
  threadsModel,
  asyncModel,
  processModel,
  poolMapModel,
  poolModel,
  processesModel,
  distributedModel,
];

/**
 * The course's tour, in its order: a Thread per id, futures with callbacks, a ThreadPoolExecutor,
 * async with a limit, a Process per id, Pool.map, a ProcessPoolExecutor, then the same executor on
 * many machines (a DistributedExecutor, skipped without redis-server). What `npm run demo` runs.
 *
 * @example
 * ```ts
 * import { TOUR } from "./mod.ts";
 * console.assert(TOUR.join() === "thread,futures,threads,async,process,pool-map,processes,distributed");
 * ```
 */
export const TOUR: readonly string[] = [
  "thread",
  "futures",
  "threads",
  "async",
  "process",
  "pool-map",
  "processes",
  "distributed",
];
