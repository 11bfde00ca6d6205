/**
 * The concurrency models the CLI can run the downloads on. Each one is a {@linkcode DownloadModel}:
 * to add a model (threads, processes, pool, executor), write one more object and put it in
 * {@linkcode MODELS}; `--model` and `--help` list it from there.
 *
 * @module
 */
import { limit } from "./_limit.ts";
import { downloadUserPicture } from "./download.ts";

/** What one download gave: the saved path, or the error. */
export type DownloadOutcome =
  | { readonly id: number | string; readonly ok: true; readonly path: string }
  | { readonly id: number | string; readonly ok: false; readonly error: unknown };

/** Options every model receives. */
export interface RunOptions {
  /** The service's origin, passed to {@linkcode downloadUserPicture}. */
  baseUrl: string;
  /** The output folder, passed to {@linkcode downloadUserPicture}. */
  outDir: string;
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
  const { baseUrl, outDir, signal } = options;
  let outcome: DownloadOutcome;
  try {
    outcome = {
      id,
      ok: true,
      path: await downloadUserPicture(id, signal ? { baseUrl, outDir, signal } : { baseUrl, outDir }),
    };
  } catch (error) {
    outcome = { id, ok: false, error };
  }
  options.onSettled?.(outcome);
  return outcome;
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

/**
 * The models `--model` accepts, in `--help` order (the CLI's default is `async`).
 *
 * @example
 * ```ts
 * import { MODELS } from "./mod.ts";
 * console.assert(MODELS.map((m) => m.name).join() === "sequential,async");
 * ```
 */
export const MODELS: readonly DownloadModel[] = [sequentialModel, asyncModel];
