/**
 * n9, faithful: the course's three parts and `task_async`, run one download at a time as the course
 * does (three `run_until_complete` calls in a row) — but with `fetch` and `fs/promises`, so nothing
 * blocks the event loop, and with the file named by its real type (`.jpg`), not `.png`.
 *
 * Run: `pnpm exec tsx examples/n9_sequential.ts` — offline, against a local stand-in for randomuser.me;
 * `--real` asks the real service, `--base-url URL` (or the URL alone) another one.
 *
 * @module
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isMainModule } from "@cc/core";
import { exampleApi } from "./_stand_in.ts";

/** Options of {@linkcode main}. */
export interface N9SequentialOptions {
  /** The user seeds. @default {[123, 456, 789]} */
  ids?: number[];
  /** The API's origin. @default {"https://randomuser.me"} */
  baseUrl?: string;
  /** Where the pictures go. @default {"output"} */
  outDir?: string;
  /** Progress lines. @default {console.log} */
  log?: (line: string) => void;
}

/** `task_part1(id)`: the user for a seed (a JSON `{ error }` answer is a failure). */
export async function taskPart1(
  id: number,
  baseUrl = "https://randomuser.me",
): Promise<{ picture: { large: string } }> {
  const response = await fetch(`${baseUrl}/api/?seed=${id}`);
  const data = (await response.json()) as { error?: string; results?: { picture: { large: string } }[] };
  if (data.error !== undefined || data.results?.[0] === undefined) {
    throw new Error(`User ${id}: ${data.error ?? "no results"}`);
  }
  return data.results[0];
}

/** `task_part2(user)`: the picture's bytes and type. */
export async function taskPart2(user: { picture: { large: string } }): Promise<{ content: Uint8Array; type: string }> {
  const response = await fetch(user.picture.large);
  if (!response.ok) throw new Error(`${user.picture.large}: HTTP ${response.status}`);
  return { content: new Uint8Array(await response.arrayBuffer()), type: response.headers.get("content-type") ?? "" };
}

/** `task_part3(filename, content)`: writes the file atomically (temp file + rename). */
export async function taskPart3(filename: string, content: Uint8Array): Promise<void> {
  const temp = `${filename}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, filename);
}

/** `task_async(id)`: the three parts in a row; returns the file's path. */
export async function taskAsync(id: number, options: N9SequentialOptions = {}): Promise<string> {
  const { baseUrl = "https://randomuser.me", outDir = "output" } = options;
  const user = await taskPart1(id, baseUrl);
  const picture = await taskPart2(user);
  const ext = picture.type.startsWith("image/png") ? ".png" : ".jpg";
  await mkdir(outDir, { recursive: true });
  const filename = join(outDir, `${id}${ext}`);
  await taskPart3(filename, picture.content);
  return filename;
}

/** Downloads the ids one after another, as the course does; returns the files. */
export async function main(options: N9SequentialOptions = {}): Promise<string[]> {
  const { ids = [123, 456, 789], log = console.log } = options;
  const files: string[] = [];
  for (const id of ids) {
    const file = await taskAsync(id, options);
    log(`${id}: saved ${file}`);
    files.push(file);
  }
  return files;
}

if (isMainModule(import.meta)) {
  await using api = await exampleApi();
  await main({ baseUrl: api.baseUrl });
}
