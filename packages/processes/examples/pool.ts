/**
 * Seed "Pool": `Pool(processes=4).map(download_user_picture, inputs)`, printing the list of saved
 * files. The options reach the workers through the pool's `initializer`, so `map` passes one id per
 * call as the course's does; the files are `.jpg` (the course saves JPEG bytes as `.png`).
 *
 * Run: `pnpm exec tsx examples/pool.ts` — offline, against a local stand-in for randomuser.me; `--real`
 * asks the real service, `--base-url URL` (or the URL alone) another one. The pictures go to `output/`.
 *
 * @module
 */
import { isMainModule } from "@cc/core";
import { Pool } from "../mod.ts";
import { exampleApi } from "./_stand_in.ts";
import { configureTask, type DownloadOptions, downloadUserPictureTask, SEED_IDS } from "./download_user_picture.ts";

/** Options of {@linkcode main}. */
export interface MainOptions extends DownloadOptions {
  /** The users to download. Default: the course's six ids. */
  ids?: readonly number[];
}

/** Downloads the pictures on a pool of four processes; resolves to the saved files, in input order. */
export async function main(options: MainOptions = {}): Promise<string[]> {
  const { ids = SEED_IDS, baseUrl, outDir } = options;
  await using pool1 = new Pool({ processes: 4, initializer: configureTask, initArgs: [{ baseUrl, outDir }] });
  return await pool1.map(downloadUserPictureTask, ids);
}

if (isMainModule(import.meta)) {
  await using api = await exampleApi();
  console.log(await main({ baseUrl: api.baseUrl }));
}
