/**
 * n9, the cc way: the course's `async def` picture downloader (fetch a user's JSON from randomuser.me,
 * fetch the picture, save it) without blocking the event loop, with downloads running concurrently
 * under a limit. The course blocks the loop (`requests` inside `async def`), downloads one picture
 * at a time, and saves JPEG bytes as `.png`; here the extension comes from the `Content-Type`, the
 * folder is created, and each file is written atomically (temp file + rename).
 *
 * Run: `pnpm exec tsx examples/n9.ts` — offline, against a local stand-in for randomuser.me that it starts
 * itself; `--real` asks the real service, `--base-url URL` (or the URL alone) another one. It prints which
 * it used; the pictures go to `output/`.
 *
 * @module
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gather, limit } from "@cc/async";
import { isMainModule } from "@cc/core";
import { exampleApi } from "./_stand_in.ts";

/** Options of {@linkcode main} and {@linkcode downloadUserPicture}. */
export interface N9Options {
  /** The user seeds to download. @default {[123, 456, 789]} */
  ids?: number[];
  /** The API's origin. @default {"https://randomuser.me"} */
  baseUrl?: string;
  /** Where the pictures go (created if missing). @default {"output"} */
  outDir?: string;
  /** The most downloads at once. @default {4} */
  concurrency?: number;
  /** Cancels every download. @default {undefined} */
  signal?: AbortSignal;
  /** Progress lines. @default {console.log} */
  log?: (line: string) => void;
}

/** The part of a randomuser.me user that n9 uses. */
export interface User {
  picture: { large: string };
}

/** A downloaded picture. */
export interface Picture {
  bytes: Uint8Array;
  contentType: string;
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": ".jpg",
  "image/jpg": ".jpg",
  "image/png": ".png",
  "image/gif": ".gif",
  "image/webp": ".webp",
};

/** The file extension for an image `Content-Type` (`image/jpeg` → `.jpg`). */
export function extensionFor(contentType: string): string {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const ext = EXTENSIONS[type];
  if (ext === undefined) throw new Error(`Not an image: Content-Type is "${contentType}"`);
  return ext;
}

/** Part 1: the user for a seed. A JSON `{ error }` answer is a failure. */
export async function fetchUser(id: number, baseUrl: string, signal?: AbortSignal): Promise<User> {
  const res = await fetch(`${baseUrl}/api/?seed=${encodeURIComponent(id)}`, { signal });
  if (!res.ok) throw new Error(`User ${id}: HTTP ${res.status}`);
  const data = (await res.json()) as { error?: string; results?: User[] };
  if (data.error !== undefined) throw new Error(`User ${id}: the API answered an error: ${data.error}`);
  const user = data.results?.[0];
  if (typeof user?.picture?.large !== "string") throw new Error(`User ${id}: no results[0].picture.large`);
  return user;
}

/** Part 2: the user's large picture. */
export async function fetchPicture(user: User, signal?: AbortSignal): Promise<Picture> {
  const res = await fetch(user.picture.large, { signal });
  if (!res.ok) throw new Error(`${user.picture.large}: HTTP ${res.status}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), contentType: res.headers.get("content-type") ?? "" };
}

/** Part 3: writes the picture as `<outDir>/<id><ext>` atomically; returns the path. */
export async function savePicture(outDir: string, id: number, picture: Picture): Promise<string> {
  const file = join(outDir, `${id}${extensionFor(picture.contentType)}`);
  const temp = join(outDir, `.${id}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  await mkdir(outDir, { recursive: true });
  try {
    await writeFile(temp, picture.bytes);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return file;
}

/** The course's `task_async(id)`: user → picture → file. Returns the file's path. */
export async function downloadUserPicture(id: number, options: N9Options = {}): Promise<string> {
  const { baseUrl = "https://randomuser.me", outDir = "output", signal } = options;
  const user = await fetchUser(id, baseUrl, signal);
  const picture = await fetchPicture(user, signal);
  return savePicture(outDir, id, picture);
}

/** One download's outcome. */
export type N9Result = { id: number; file: string } | { id: number; error: unknown };

/**
 * Downloads every id concurrently, at most `concurrency` at once; one failure does not stop the
 * others. Resolves to one result per id, in the order given.
 */
export async function main(options: N9Options = {}): Promise<N9Result[]> {
  const { ids = [123, 456, 789], concurrency = 4, log = console.log } = options;
  const lim = limit(concurrency);
  const outcomes = await gather(
    ids.map((id) => lim(downloadUserPicture, id, options)),
    { returnExceptions: true, signal: options.signal },
  );
  return outcomes.map((outcome, i) => {
    const id = ids[i] as number;
    if (outcome instanceof Error) {
      log(`${id}: failed: ${outcome.message}`);
      return { id, error: outcome };
    }
    log(`${id}: saved ${outcome}`);
    return { id, file: outcome as string };
  });
}

if (isMainModule(import.meta)) {
  await using api = await exampleApi();
  const results = await main({ baseUrl: api.baseUrl });
  if (results.some((r) => "error" in r)) process.exitCode = 1;
}
