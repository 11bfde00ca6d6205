/**
 * Seed "ProcessPoolExecutor": `ProcessPoolExecutor(max_workers=4)`, one `submit` per id, `wait`, then
 * the results. The course never shuts the executor down; here `await using` does.
 *
 * Run: `pnpm exec tsx examples/ppe.ts` — offline, against a local stand-in for randomuser.me; `--real`
 * asks the real service, `--base-url URL` (or the URL alone) another one. The pictures go to `output/`.
 *
 * @module
 */
import { isMainModule } from "@cc/core";
import { wait } from "@cc/futures";
import { ProcessPoolExecutor } from "../mod.ts";
import { exampleApi } from "./_stand_in.ts";
import { type DownloadOptions, downloadUserPictureTask, SEED_IDS } from "./download_user_picture.ts";

/** Options of {@linkcode main}. */
export interface MainOptions extends DownloadOptions {
  /** The users to download. Default: the course's six ids. */
  ids?: readonly number[];
}

/** Submits one download per id to four processes, waits for all, resolves to the saved files. */
export async function main(options: MainOptions = {}): Promise<string[]> {
  const { ids = SEED_IDS, baseUrl, outDir } = options;
  await using executor1 = new ProcessPoolExecutor({ maxWorkers: 4 });
  // on-demand requests (the course's "hot-spot")
  const futures = ids.map((id) => executor1.submit(downloadUserPictureTask, id, { baseUrl, outDir }));
  await wait(futures);
  return futures.map((future) => future.resultNow());
}

if (isMainModule(import.meta)) {
  await using api = await exampleApi();
  console.log(await main({ baseUrl: api.baseUrl }));
}
