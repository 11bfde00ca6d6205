/**
 * The message protocol between a host and a worker, the same for worker threads and child processes
 * (both carry structured-clone data). Transports and the pool engine use it; task authors never see it.
 *
 * Host → worker: `run` (a batch of calls, with the task definitions they need), `cancel`, `pull`
 * (stream credit) and `shutdown`. Worker → host: `ready`, a batch of replies (flat
 * `[id, status, value]` triples: result, error, progress, stream item, stream end) and `fatal`
 * (an uncaught error that ends the worker).
 *
 * @module
 */

/** A task definition carried once per worker: `[key, url, name]`. */
export type TaskDef = [key: number, url: string, name: string];

/** One call in a `run` batch: `id, defKey, args, flags`, laid flat in `tasks` (four slots per call). */
export type RunEntry = [id: number, key: number, args: unknown[], flags: number];

/** Slots per call in a `run` message's flat `tasks` array. */
export const RUN_STRIDE = 4;

/** Flag of a {@linkcode RunEntry}: the caller consumes the result as a stream (async iterator). */
export const FLAG_STREAM = 1;
/** Flag of a {@linkcode RunEntry}: an initializer; later calls wait until it has finished. */
export const FLAG_INIT = 2;
/** Flag of a {@linkcode RunEntry}: `args` is a chunk of argument lists; the result is the list of results. */
export const FLAG_CHUNK = 4;
/**
 * Flag of a {@linkcode RunEntry}: the host sent this call alone and has nothing else in flight, so it is
 * likely waiting for the answer before it sends another: a worker that lingers may poll for it.
 */
export const FLAG_LINGER = 8;

/**
 * A batch of calls, sent in columns (see `_run_codec.ts`) as one flat array — structured clone writes a
 * dense array faster than an object with named fields: `[defs, n, ids, keys, flags, arity, ...cols]`.
 * Call `i` has id `ids + i` (or `ids[i]`), task `keys` (or `keys[i]`), `flags` (or `flags[i]`), and
 * arguments `cols[j][i]` for `j < arity` (or `arity[i]`). `n` is the number of calls.
 */
export type RunMessage = [
  defs: TaskDef[] | null,
  n: number,
  ids: number | number[],
  keys: number | number[],
  flags: number | number[],
  arity: number | number[],
  ...cols: unknown[][],
];

/** Index of the first argument column in a {@linkcode RunMessage}. */
export const RUN_COLS = 6;

/** Messages a host sends to a worker: a run batch (an array), or a control message. */
export type HostMessage =
  | RunMessage
  | { k: "cancel"; id: number; reason: unknown }
  | { k: "pull"; id: number; n: number }
  | { k: "shutdown" };

/**
 * Replies of a worker, as one flat array of `[id, status, value]` triples (results, errors, progress,
 * stream items and ends, printed output).
 */
export type ReplyBatch = unknown[];

/** Messages a worker sends to its host: a reply batch (an array), or a control message. */
export type WorkerMessage = ReplyBatch | { k: "ready" } | { k: "fatal"; error: unknown } | { k: "bye" };

/** Reply status: the call returned a value. */
export const STATUS_OK = 0;
/** Reply status: the call threw; the value is an encoded error. */
export const STATUS_ERROR = 1;
/** Reply status: a progress report from the running call. */
export const STATUS_PROGRESS = 2;
/** Reply status: one item of a streamed result. */
export const STATUS_YIELD = 3;
/** Reply status: a streamed result ended; the value is the generator's return value. */
export const STATUS_END = 4;
/**
 * Reply "status" of text a worker thread printed (id 0; the value is `[fd, text]`). It travels in the
 * reply stream, so what a task printed before returning is written before its result is delivered.
 */
export const STATUS_OUTPUT = 5;
