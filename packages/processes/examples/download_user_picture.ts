/**
 * The seed's download task, shared by the three process examples (`n10.ts`, `pool.ts`, `ppe.ts`):
 * GET `<baseUrl>/api/?seed=<id>`, take `results[0].picture.large`, GET it and save it as
 * `<outDir>/<id>.jpg`. Unlike the course, it names the file by the picture's `Content-Type` (the
 * pictures are JPEG, not PNG), creates the folder, writes atomically (a temporary file, then a
 * rename) and treats the API's `{ "error": … }` answer as a failure.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { task } from "@cc/core";

/** Where {@linkcode downloadUserPicture} downloads from and saves to. */
export interface DownloadOptions {
  /**
   * The Random User Generator's address.
   *
   * @default {"https://randomuser.me"}
   */
  baseUrl?: string;
  /**
   * The folder the pictures are saved in, created if missing.
   *
   * @default {"output"}
   */
  outDir?: string;
}

let configured: DownloadOptions = {};

/**
 * Sets the default options of {@linkcode downloadUserPicture} in this process: a `Pool` initializer,
 * so that `pool.map(downloadUserPictureTask, ids)` passes one argument per call, as the course's does.
 *
 * @example
 * ```ts ignore
 * import { Pool } from "@cc/processes";
 * import { configureTask } from "./download_user_picture.ts";
 * const pool = new Pool({ initializer: configureTask, initArgs: [{ outDir: "pictures" }] });
 * ```
 */
export function configure(options: DownloadOptions): void {
  configured = { ...options };
}

/**
 * The file extension for a picture's `Content-Type`: `.jpg` for `image/jpeg`, and so on.
 *
 * @example
 * ```ts ignore
 * console.assert(extensionFor("image/jpeg") === ".jpg");
 * ```
 */
export function extensionFor(contentType: string | null): string {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const extensions: Record<string, string> = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
  };
  const extension = extensions[type];
  if (!extension) throw new TypeError(`the picture is not an image: Content-Type ${JSON.stringify(contentType)}`);
  return extension;
}

/**
 * Downloads the picture of the user of seed `id` and saves it; returns the file's path.
 *
 * @example
 * ```ts ignore
 * console.log(await downloadUserPicture(123, { outDir: "output" })); // output/123.jpg
 * ```
 */
export async function downloadUserPicture(id: number, options: DownloadOptions = configured): Promise<string> {
  const { baseUrl = "https://randomuser.me", outDir = "output" } = options;
  const userResponse = await fetch(`${baseUrl}/api/?seed=${encodeURIComponent(id)}`);
  if (!userResponse.ok) throw new Error(`user ${id}: the API answered HTTP ${userResponse.status}`);
  const data = (await userResponse.json()) as { error?: string; results?: { picture?: { large?: string } }[] };
  if (data.error !== undefined) throw new Error(`user ${id}: the API answered with an error: ${data.error}`);
  const pictureUrl = data.results?.[0]?.picture?.large;
  if (typeof pictureUrl !== "string") throw new Error(`user ${id}: the answer has no results[0].picture.large`);
  const pictureResponse = await fetch(pictureUrl);
  if (!pictureResponse.ok) throw new Error(`user ${id}: the picture answered HTTP ${pictureResponse.status}`);
  const file = join(outDir, `${id}${extensionFor(pictureResponse.headers.get("content-type"))}`);
  const bytes = new Uint8Array(await pictureResponse.arrayBuffer());
  await mkdir(outDir, { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return file;
}

/** {@linkcode downloadUserPicture} as a task, for `Pool` and `ProcessPoolExecutor`. */
export const downloadUserPictureTask = task<typeof downloadUserPicture>(import.meta.url, "downloadUserPicture");

/** {@linkcode configure} as a task, for a `Pool`'s `initializer`. */
export const configureTask = task<typeof configure>(import.meta.url, "configure");

/** The ids of the course's users. */
export const SEED_IDS: readonly number[] = [123, 456, 789, 111, 222, 333];
