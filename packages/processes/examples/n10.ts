/**
 * Seed n10, "El proceso definido": a `Process` subclass whose `run()` downloads one user's picture,
 * six of them started at once. The course says processes 5 and 6 fail "because the number of cores
 * was exceeded": they do not, six processes share two cores. It also never joins them: cc joins, and
 * checks each exit code.
 *
 * Run: `pnpm exec tsx examples/n10.ts` — offline, against a local stand-in for randomuser.me that it
 * starts itself; `--real` asks the real service, `--base-url URL` (or the URL alone) another one. It prints
 * which it used; the pictures go to `output/`.
 *
 * @module
 */
import { isMainModule } from "@cc/core";
import { Process } from "../mod.ts";
import { exampleApi } from "./_stand_in.ts";
import { type DownloadOptions, downloadUserPicture, SEED_IDS } from "./download_user_picture.ts";

/**
 * The course's `DownloadUserPictureProcess`: its child process loads this module, rebuilds the
 * object from its fields (`id`, `options`) and calls `run()`, which returns the saved file's path.
 */
export class DownloadUserPictureProcess extends Process<string> {
  static override module = import.meta.url;
  constructor(
    readonly id: number,
    readonly options: DownloadOptions = {},
  ) {
    super();
  }
  override run(): Promise<string> {
    return downloadUserPicture(this.id, this.options);
  }
}

/** Options of {@linkcode main}. */
export interface MainOptions extends DownloadOptions {
  /** The users to download. Default: the course's six ids. */
  ids?: readonly number[];
}

/** What one process did. */
export interface ProcessOutcome {
  readonly id: number;
  readonly exitCode: number | null;
  /** The saved file, or `undefined` if the process failed. */
  readonly file: string | undefined;
}

/** Starts one process per id, joins them all, and reports each one's exit code and file. */
export async function main(options: MainOptions = {}): Promise<ProcessOutcome[]> {
  const { ids = SEED_IDS, baseUrl, outDir } = options;
  const processes = ids.map((id) => new DownloadUserPictureProcess(id, { baseUrl, outDir }));
  for (const p of processes) p.start();
  const files = await Promise.all(processes.map((p) => p.join()));
  return processes.map((p, i) => ({ id: p.id, exitCode: p.exitCode, file: files[i] }));
}

if (isMainModule(import.meta)) {
  await using api = await exampleApi();
  const outcomes = await main({ baseUrl: api.baseUrl });
  console.log(outcomes);
  if (outcomes.some((o) => o.exitCode !== 0)) process.exitCode = 1;
}
