/**
 * The course's `download_user_picture(id)`, corrected: JPEG saved as `.jpg`, the folder created,
 * atomic writes, service errors surfaced, cancellable.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { retry, sleep } from "@cc/async";
import { currentTask, defineTask } from "@cc/core";

/**
 * The public service the course downloads from: the default `baseUrl`.
 *
 * @example
 * ```ts
 * import { RANDOMUSER_URL } from "./mod.ts";
 * console.assert(RANDOMUSER_URL === "https://randomuser.me");
 * ```
 */
export const RANDOMUSER_URL = "https://randomuser.me";

/** Options of {@linkcode downloadUserPicture}. Everything but `signal` is structured-clonable. */
export interface DownloadOptions {
  /**
   * The service's origin (a randomuser.me-compatible server).
   * @default {"https://randomuser.me"}
   */
  baseUrl?: string;
  /**
   * The folder the picture is written to; created if missing.
   * @default {"output"}
   */
  outDir?: string;
  /** Cancels the download; nothing is left on disk. Not for a worker call: a worker gets its own signal. */
  signal?: AbortSignal;
  /**
   * How many times to try again after a transient failure: a 5xx or 429 answer, a connection error,
   * an answer cut off, a request with no progress for `timeout` ms. A retry starts the download over.
   * @default {4}
   */
  retries?: number;
  /**
   * The total time, in ms, the tries and their waits may take: no retry starts if its wait would end
   * later than this after the first try began.
   * @default {30000}
   */
  retryTime?: number;
  /**
   * The delay before the first retry, in ms; it doubles per retry (up to 8 s), with full jitter. A 429 or
   * 503 answer's `Retry-After` is waited for first.
   * @default {250}
   */
  retryDelay?: number;
  /**
   * Per request: the longest wait, in ms, for the connection and the answer's headers, and between two
   * parts of its body (an idle timeout: a slow but moving download is not cut).
   * @default {10000}
   */
  timeout?: number;
}

/** What {@linkcode fetchUserPicture} gives for a saved picture. */
export interface DownloadResult {
  /** The user id (the seed), as a string. */
  readonly id: string;
  /** Where the picture was saved: `<outDir>/<id>.jpg`. */
  readonly path: string;
  /** The picture's size in bytes. */
  readonly bytes: number;
  /** How many retries it took (0: the first try worked). */
  readonly retries: number;
  /** The user's name, e.g. "Ms Jane Doe" (empty if the service sent none). */
  readonly name: string;
}

/**
 * A download that failed for a reason other than cancellation; `id` says which one, `url` which
 * request, `cause` why (a network error, for instance), `retries` how many retries were made.
 *
 * @example
 * ```ts
 * import { DownloadError } from "./mod.ts";
 * const error = new DownloadError("123", "The service answered 500");
 * console.assert(error.id === "123" && error.name === "DownloadError" && error.retries === 0);
 * ```
 */
export class DownloadError extends Error {
  /** The user id whose picture could not be downloaded. */
  readonly id: string;
  /** The request that failed last, when there was one. */
  url: string | undefined;
  /** How many retries were made before giving up. */
  retries = 0;

  /**
   * @param id The user id (the seed).
   * @param message What went wrong.
   * @param options The underlying error, as `cause`, and the request's `url`.
   */
  constructor(id: string, message: string, options?: ErrorOptions & { url?: string }) {
    super(message, options);
    this.name = "DownloadError";
    this.id = id;
    this.url = options?.url;
  }
}

/** Errors worth another try, with the wait the server asked for (ms), if any. */
const TRANSIENT = new WeakMap<Error, number>();

function transient(error: DownloadError, retryAfter = 0): DownloadError {
  TRANSIENT.set(error, retryAfter);
  return error;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  "image/jpeg": ".jpg",
  "image/jpg": ".jpg",
  "image/pjpeg": ".jpg",
  "image/png": ".png",
  "image/gif": ".gif",
  "image/webp": ".webp",
};
const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

/**
 * Downloads the large picture of user `id`: `GET <baseUrl>/api/?seed=<id>`, then the user's
 * `picture.large`, saved as `<outDir>/<id>.jpg` (the extension comes from the picture's
 * `Content-Type`: `.jpg` for JPEG, `.png` for PNG…).
 *
 * The file is written to a temporary name in the same folder and renamed when complete, so a
 * reader never sees a partial picture and a failure or an abort leaves nothing behind. A transient
 * failure (5xx, 429, a connection error, an answer cut off or stalled) is retried with exponential
 * backoff and jitter, honouring `Retry-After`, within `retries` and `retryTime`. An answer that is
 * not a user (a 4xx, randomuser.me's `{ "error": "Uh oh, …" }`, invalid JSON) or a failure after the
 * last retry is a {@linkcode DownloadError} naming the id, the URL and the last cause. If `signal`
 * aborts, the promise rejects with its reason.
 *
 * It is a plain exported function, so a worker thread or child process can run it as a task
 * ({@linkcode downloadUserPictureTask}): its arguments and result are structured-clonable.
 *
 * @param id The user id, used as the seed and as the file name: a non-negative integer or a short
 *   name of letters, digits, `_`, `-` and `.`.
 * @param options The service, the folder, a signal, retries and timeout.
 * @returns The path of the saved picture (`<outDir>/<id>.jpg`).
 * @throws {TypeError} If `id` is not a valid id.
 * @throws {DownloadError} If the service or the picture request fails.
 *
 * @example Download one picture from the local server
 * ```ts
 * import { downloadUserPicture, startServer } from "./mod.ts";
 * await using server = await startServer();
 * const path = await downloadUserPicture(123, { baseUrl: server.url, outDir: "output" });
 * console.assert(path.endsWith("123.jpg"));
 * ```
 */
export async function downloadUserPicture(id: number | string, options: DownloadOptions = {}): Promise<string> {
  return (await fetchUserPicture(id, options)).path;
}

/**
 * {@linkcode downloadUserPicture}, giving the picture's size and the number of retries as well.
 *
 * @param id The user id (the seed).
 * @param options The service, the folder, a signal, retries and timeout.
 * @returns The saved path, its size and the retries it took.
 * @throws {TypeError} If `id` is not a valid id.
 * @throws {DownloadError} If the download fails after its retries.
 *
 * @example
 * ```ts
 * import { fetchUserPicture, startServer } from "./mod.ts";
 * await using server = await startServer({ failFirst: 1 });
 * const result = await fetchUserPicture(5, { baseUrl: server.url, outDir: "output", retryDelay: 1 });
 * console.assert(result.retries === 1 && result.bytes > 0);
 * ```
 */
export async function fetchUserPicture(id: number | string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const {
    baseUrl = RANDOMUSER_URL,
    outDir = "output",
    retries = 4,
    retryTime = 30_000,
    retryDelay = 250,
    timeout = 10_000,
  } = options;
  // in a worker, the call's own signal (cancellation from the pool) stands in for the caller's
  const signal = options.signal ?? taskSignal();
  const key = checkId(id);
  signal?.throwIfAborted();
  const apiUrl = `${baseUrl.replace(/\/+$/, "")}/api/?seed=${encodeURIComponent(key)}`;
  const started = performance.now();
  let made = 0;
  let gaveUp = "";
  try {
    return await retry(() => tryOnce(key, apiUrl, outDir, timeout, signal), {
      retries,
      minDelay: retryDelay,
      maxDelay: 8000,
      factor: 2,
      jitter: 1,
      ...(signal ? { signal } : {}),
      // Awaited before retry()'s own backoff: honours Retry-After and the total time.
      shouldRetry: async (error, attempt) => {
        if (!(error instanceof Error && TRANSIENT.has(error))) return false;
        const asked = TRANSIENT.get(error) ?? 0;
        const backoff = Math.min(8000, retryDelay * 2 ** attempt);
        const elapsed = performance.now() - started;
        if (elapsed + asked + backoff > retryTime) {
          gaveUp =
            asked > 0
              ? `; the server asked to wait ${Math.ceil(asked / 1000)} s, beyond the ${retryTime} ms retry time`
              : `; the ${retryTime} ms retry time is spent`;
          return false;
        }
        if (asked > 0) await sleep(asked, signal ? { signal } : {});
        made++;
        return true;
      },
    }).then((result) => ({ ...result, retries: made }));
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof DownloadError && (made > 0 || gaveUp !== "")) {
      const final = new DownloadError(
        key,
        `${error.message} (gave up after ${made} ${made === 1 ? "retry" : "retries"}${gaveUp})`,
        { cause: error.cause, ...(error.url ? { url: error.url } : {}) },
      );
      final.retries = made;
      throw final;
    }
    throw error;
  }
}

async function tryOnce(
  key: string,
  apiUrl: string,
  outDir: string,
  timeout: number,
  outer: AbortSignal | undefined,
): Promise<Omit<DownloadResult, "retries">> {
  const answer = await request(key, apiUrl, outer, timeout);
  const text = await readText(key, apiUrl, answer);
  if (!answer.response.ok) {
    const detail = serviceError(text);
    const error = new DownloadError(
      key,
      `The user service answered ${answer.response.status} for id "${key}" at ${apiUrl}${detail ? `: ${detail}` : ""}`,
      { url: apiUrl },
    );
    const status = answer.response.status;
    if (status === 429 || status >= 500) throw transient(error, retryAfter(answer.response.headers.get("retry-after")));
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new DownloadError(key, `The user service answered invalid JSON for id "${key}" at ${apiUrl}`, {
      cause: error,
      url: apiUrl,
    });
  }
  if (isRecord(body) && typeof body.error === "string") {
    throw new DownloadError(key, `The user service failed for id "${key}" at ${apiUrl}: ${body.error}`, {
      url: apiUrl,
    });
  }
  const pictureUrl = largePicture(body);
  if (pictureUrl === undefined) {
    throw new DownloadError(key, `The user service sent no results[0].picture.large for id "${key}" at ${apiUrl}`, {
      url: apiUrl,
    });
  }

  const picture = await request(key, pictureUrl, outer, timeout);
  const { response } = picture;
  if (!response.ok || response.body === null) {
    picture.done();
    await response.body?.cancel().catch(() => {});
    const error = new DownloadError(key, `The picture of id "${key}" answered ${response.status}: ${pictureUrl}`, {
      url: pictureUrl,
    });
    if (response.status === 429 || response.status >= 500) {
      throw transient(error, retryAfter(response.headers.get("retry-after")));
    }
    throw error;
  }
  const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const extension = EXTENSIONS[type];
  if (extension === undefined) {
    picture.done();
    await response.body.cancel().catch(() => {});
    throw new DownloadError(
      key,
      `The picture of id "${key}" is not an image: Content-Type "${type}" at ${pictureUrl}`,
      {
        url: pictureUrl,
      },
    );
  }

  const path = join(outDir, `${key}${extension}`);
  const temporary = join(outDir, `.${key}${extension}.${process.pid}.${randomUUID()}.tmp`);
  let bytes = 0;
  let sink: WriteStream | undefined;
  try {
    await mkdir(outDir, { recursive: true });
    const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.byteLength;
        picture.touch();
        callback(null, chunk);
      },
    });
    sink = createWriteStream(temporary, { flags: "wx" });
    await pipeline(source, count, sink, { signal: picture.signal });
    picture.done();
    outer?.throwIfAborted();
    await rename(temporary, path);
  } catch (error) {
    picture.done();
    // A source that fails at once can fail the pipeline before the file stream has even opened (and
    // created) the file: wait until it has closed, or the file would appear after its removal.
    if (sink && !sink.closed) await once(sink, "close").catch(() => {});
    await rm(temporary, { force: true });
    if (outer?.aborted) throw outer.reason;
    if (picture.timedOut()) {
      throw transient(
        new DownloadError(key, `The picture of id "${key}" stalled for ${timeout} ms: ${pictureUrl}`, {
          url: pictureUrl,
        }),
      );
    }
    if (isWriteError(error)) {
      throw new DownloadError(key, `Cannot save the picture of id "${key}" to "${path}"`, { cause: error });
    }
    throw transient(
      new DownloadError(key, `The picture of id "${key}" was cut off: ${pictureUrl}`, {
        cause: error,
        url: pictureUrl,
      }),
    );
  }
  return { id: key, path, bytes, name: userName(body) };
}

/**
 * {@linkcode downloadUserPicture} as a cc task, for executors that run it in a worker thread or a child
 * process: `executor.submit(downloadUserPictureTask, 123, { baseUrl, outDir })`.
 *
 * @example
 * ```ts
 * import { downloadUserPictureTask } from "./mod.ts";
 * console.assert(downloadUserPictureTask.name === "downloadUserPicture");
 * ```
 */
export const downloadUserPictureTask = defineTask(import.meta.url, downloadUserPicture);

/**
 * {@linkcode fetchUserPicture} as a cc task: the path, the size and the retries, from a worker.
 *
 * @example
 * ```ts
 * import { fetchUserPictureTask } from "./mod.ts";
 * console.assert(fetchUserPictureTask.name === "fetchUserPicture");
 * ```
 */
export const fetchUserPictureTask = defineTask(import.meta.url, fetchUserPicture);

function checkId(id: number | string): string {
  if (typeof id === "number" && Number.isSafeInteger(id) && id >= 0) return String(id);
  if (typeof id === "string" && SAFE_ID.test(id)) return id;
  throw new TypeError(
    `A user id must be a non-negative integer or a short name of letters, digits, "_", "-" and ".": received ${
      typeof id === "string" ? `"${id}"` : String(id)
    }`,
  );
}

function taskSignal(): AbortSignal | undefined {
  try {
    return currentTask().signal;
  } catch {
    return undefined; // called directly, not as a cc task
  }
}

/** A request in flight, with its idle watchdog. */
interface Requested {
  response: Response;
  /** Aborts when the caller aborts or the request is idle for `timeout` ms. */
  signal: AbortSignal;
  /** Progress: restarts the idle timer. */
  touch(): void;
  /** Stops the idle timer. */
  done(): void;
  timedOut(): boolean;
}

async function request(id: string, url: string, outer: AbortSignal | undefined, timeout: number): Promise<Requested> {
  const idle = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      idle.abort(new Error(`no progress for ${timeout} ms`));
    }, timeout);
  };
  const done = (): void => clearTimeout(timer);
  const signal = outer ? AbortSignal.any([outer, idle.signal]) : idle.signal;
  touch();
  try {
    const response = await fetch(url, { signal });
    touch();
    return { response, signal, touch, done, timedOut: () => timedOut };
  } catch (error) {
    done();
    if (outer?.aborted) throw outer.reason;
    if (timedOut) {
      throw transient(new DownloadError(id, `No answer from ${url} for id "${id}" within ${timeout} ms`, { url }));
    }
    throw transient(new DownloadError(id, `Cannot reach ${url} for id "${id}"`, { cause: error, url }));
  }
}

async function readText(id: string, url: string, requested: Requested): Promise<string> {
  const { response, touch, done, timedOut } = requested;
  try {
    if (response.body === null) return "";
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(Buffer.from(chunk));
      touch();
    }
    return Buffer.concat(chunks).toString("utf8");
  } catch (error) {
    if (requested.signal.aborted && !timedOut()) throw requested.signal.reason;
    if (timedOut()) {
      throw transient(new DownloadError(id, `The answer of ${url} for id "${id}" stalled`, { url }));
    }
    throw transient(new DownloadError(id, `The answer of ${url} for id "${id}" was cut off`, { cause: error, url }));
  } finally {
    done();
  }
}

/** `Retry-After` in ms: seconds or an HTTP date; 0 when absent or invalid. */
function retryAfter(value: string | null): number {
  if (value === null || value.trim() === "") return 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

/** randomuser.me's `{ "error": "Uh oh, …" }` in an error answer, or a short text. */
function serviceError(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body) && typeof body.error === "string") return body.error;
  } catch {
    // not JSON: an HTML error page, say
  }
  const line = text.trim().split("\n")[0] ?? "";
  return line.startsWith("<") ? "" : line.slice(0, 200);
}

function isWriteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E(ACCES|PERM|NOSPC|ROFS|EXIST|NOTDIR|ISDIR|MFILE|NFILE|DQUOT|IO)$/.test(code);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The user's name, "Ms Jane Doe" (empty when the answer has none). */
function userName(body: unknown): string {
  if (!isRecord(body) || !Array.isArray(body.results)) return "";
  const user: unknown = body.results[0];
  if (!isRecord(user) || !isRecord(user.name)) return "";
  const { title, first, last } = user.name;
  return [title, first, last].filter((part) => typeof part === "string" && part !== "").join(" ");
}

function largePicture(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body.results)) return undefined;
  const user: unknown = body.results[0];
  if (!isRecord(user) || !isRecord(user.picture)) return undefined;
  const large = user.picture.large;
  return typeof large === "string" && large.length > 0 ? large : undefined;
}

/**
 * {@linkcode fetchUserPicture} for a worker thread that the caller stops through shared memory: when
 * `stop[0]` becomes non-zero (and `Atomics.notify` wakes it), the download aborts cooperatively and
 * leaves no file. The `thread` model passes an `Int32Array` on a `SharedArrayBuffer`, which a thread
 * shares with its parent (a `Thread` has no signal of its own).
 *
 * @param id The user id (the seed).
 * @param options The service, the folder, retries and timeout.
 * @param stop A one-element `Int32Array` on a `SharedArrayBuffer`.
 * @returns The saved path, its size and the retries it took.
 * @throws {DownloadError} If the download fails; `Error("Interrupted")` once stopped.
 *
 * @example
 * ```ts
 * import { fetchUserPictureUntil, startServer } from "./mod.ts";
 * await using server = await startServer();
 * const stop = new Int32Array(new SharedArrayBuffer(4));
 * const result = await fetchUserPictureUntil(5, { baseUrl: server.url, outDir: "output" }, stop);
 * console.assert(result.path.endsWith("5.jpg"));
 * ```
 */
export async function fetchUserPictureUntil(
  id: number | string,
  options: Omit<DownloadOptions, "signal">,
  stop: Int32Array,
): Promise<DownloadResult> {
  const controller = new AbortController();
  const check = (): void => {
    if (Atomics.load(stop, 0) !== 0) controller.abort(new Error("Interrupted"));
  };
  check();
  const waiting = Atomics.waitAsync(stop, 0, 0);
  if (waiting.async) void waiting.value.then(check);
  // a notify that came before the wait started is caught by polling, rarely
  const poll = setInterval(check, 200);
  try {
    return await fetchUserPicture(id, { ...options, signal: controller.signal });
  } finally {
    clearInterval(poll);
  }
}

/**
 * {@linkcode fetchUserPictureUntil} as a cc task, for the `thread` model.
 *
 * @example
 * ```ts
 * import { fetchUserPictureUntilTask } from "./mod.ts";
 * console.assert(fetchUserPictureUntilTask.name === "fetchUserPictureUntil");
 * ```
 */
export const fetchUserPictureUntilTask = defineTask(import.meta.url, fetchUserPictureUntil);

/** What {@linkcode tryFetchUserPicture} gives: the result, or the failure's message and retries. */
export type PictureOutcome =
  | ({ readonly ok: true } & DownloadResult)
  | { readonly ok: false; readonly id: string; readonly message: string; readonly retries: number };

/**
 * {@linkcode fetchUserPicture} that never rejects: for `Pool.map`/`starmap`, where one rejection would
 * fail the whole list, each id's outcome comes back instead.
 *
 * @param id The user id (the seed).
 * @param options The service, the folder, retries and timeout.
 * @returns `{ ok: true, path, bytes, retries }` or `{ ok: false, message, retries }`.
 *
 * @example
 * ```ts
 * import { startServer, tryFetchUserPicture } from "./mod.ts";
 * await using server = await startServer({ failSeeds: [9] });
 * const outcome = await tryFetchUserPicture(9, { baseUrl: server.url, outDir: "output", retries: 0 });
 * console.assert(!outcome.ok && outcome.message.includes('id "9"'));
 * ```
 */
export async function tryFetchUserPicture(id: number | string, options: DownloadOptions = {}): Promise<PictureOutcome> {
  try {
    return { ok: true, ...(await fetchUserPicture(id, options)) };
  } catch (error) {
    const parts: string[] = [];
    for (let e: unknown = error; e !== undefined && parts.length < 4; e = e instanceof Error ? e.cause : undefined) {
      parts.push(e instanceof Error ? e.message : String(e));
    }
    const retries = error instanceof DownloadError ? error.retries : 0;
    return { ok: false, id: String(id), message: parts.join(": "), retries };
  }
}

/**
 * {@linkcode tryFetchUserPicture} as a cc task, for the `pool-map` model.
 *
 * @example
 * ```ts
 * import { tryFetchUserPictureTask } from "./mod.ts";
 * console.assert(tryFetchUserPictureTask.name === "tryFetchUserPicture");
 * ```
 */
export const tryFetchUserPictureTask = defineTask(import.meta.url, tryFetchUserPicture);

/**
 * Removes the temporary files that downloads of `ids` left in `outDir` (after a worker was killed
 * mid-write). Missing folder: nothing to do.
 *
 * @param outDir The output folder.
 * @param ids The ids whose temporary files to remove.
 *
 * @example
 * ```ts
 * import { removeTemporaryFiles } from "./mod.ts";
 * await removeTemporaryFiles("no-such-folder", [1]);
 * ```
 */
export async function removeTemporaryFiles(outDir: string, ids: readonly (number | string)[]): Promise<void> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch {
    return;
  }
  const prefixes = ids.map((id) => `.${String(id)}.`);
  await Promise.all(
    names
      .filter((name) => name.endsWith(".tmp") && prefixes.some((prefix) => name.startsWith(prefix)))
      .map((name) => rm(join(outDir, name), { force: true })),
  );
}
