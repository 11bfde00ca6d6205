/**
 * The course's `download_user_picture(id)`, corrected: JPEG saved as `.jpg`, the folder created,
 * atomic writes, service errors surfaced, cancellable.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
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
}

/**
 * A download that failed for a reason other than cancellation; `id` says which one, `cause` why
 * (a network error, for instance).
 *
 * @example
 * ```ts
 * import { DownloadError } from "./mod.ts";
 * const error = new DownloadError("123", "The service answered 500");
 * console.assert(error.id === "123" && error.name === "DownloadError");
 * ```
 */
export class DownloadError extends Error {
  /** The user id whose picture could not be downloaded. */
  readonly id: string;

  /**
   * @param id The user id (the seed).
   * @param message What went wrong.
   * @param options The underlying error, as `cause`.
   */
  constructor(id: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DownloadError";
    this.id = id;
  }
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
 * reader never sees a partial picture and a failure or an abort leaves nothing behind. An answer
 * that is not a user (randomuser.me's `{ "error": "Uh oh, …" }`, a bad status, invalid JSON) is a
 * {@linkcode DownloadError} naming the id. If `signal` aborts, the promise rejects with its reason.
 *
 * It is a plain exported function, so a worker thread or child process can run it as a task
 * ({@linkcode downloadUserPictureTask}): its arguments and result are structured-clonable.
 *
 * @param id The user id, used as the seed and as the file name: a non-negative integer or a short
 *   name of letters, digits, `_`, `-` and `.`.
 * @param options The service, the folder and a signal.
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
  const { baseUrl = RANDOMUSER_URL, outDir = "output" } = options;
  // in a worker, the call's own signal (cancellation from the pool) stands in for the caller's
  const signal = options.signal ?? taskSignal();
  const key = checkId(id);
  signal?.throwIfAborted();

  const apiUrl = `${baseUrl.replace(/\/+$/, "")}/api/?seed=${encodeURIComponent(key)}`;
  const answer = await request(key, apiUrl, signal);
  const text = await readText(key, answer, signal);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new DownloadError(key, `The user service answered invalid JSON for id "${key}" (status ${answer.status})`, {
      cause: error,
    });
  }
  if (isRecord(body) && typeof body.error === "string") {
    throw new DownloadError(key, `The user service failed for id "${key}" (status ${answer.status}): ${body.error}`);
  }
  if (!answer.ok) throw new DownloadError(key, `The user service answered ${answer.status} for id "${key}"`);
  const pictureUrl = largePicture(body);
  if (pictureUrl === undefined) {
    throw new DownloadError(key, `The user service sent no results[0].picture.large for id "${key}"`);
  }

  const picture = await request(key, pictureUrl, signal);
  if (!picture.ok || picture.body === null) {
    await picture.body?.cancel().catch(() => {});
    throw new DownloadError(key, `The picture of id "${key}" answered ${picture.status}: ${pictureUrl}`);
  }
  const type = (picture.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const extension = EXTENSIONS[type];
  if (extension === undefined) {
    await picture.body.cancel().catch(() => {});
    throw new DownloadError(key, `The picture of id "${key}" is not an image: Content-Type "${type}"`);
  }

  await mkdir(outDir, { recursive: true });
  const path = join(outDir, `${key}${extension}`);
  const temporary = join(outDir, `.${key}${extension}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const source = Readable.fromWeb(picture.body as WebReadableStream<Uint8Array>);
    await pipeline(source, createWriteStream(temporary, { flags: "wx" }), signal ? { signal } : {});
    signal?.throwIfAborted();
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    if (signal?.aborted) throw signal.reason;
    if (error instanceof DownloadError) throw error;
    throw new DownloadError(key, `Cannot save the picture of id "${key}" to "${path}"`, { cause: error });
  }
  return path;
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

async function request(id: string, url: string, signal: AbortSignal | undefined): Promise<Response> {
  try {
    return await fetch(url, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new DownloadError(id, `Cannot reach ${url} for id "${id}"`, { cause: error });
  }
}

async function readText(id: string, response: Response, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new DownloadError(id, `The user service's answer for id "${id}" was cut off`, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function largePicture(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body.results)) return undefined;
  const user: unknown = body.results[0];
  if (!isRecord(user) || !isRecord(user.picture)) return undefined;
  const large = user.picture.large;
  return typeof large === "string" && large.length > 0 ? large : undefined;
}
