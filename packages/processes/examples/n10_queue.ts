/**
 * Seed n10 with a `Queue`: the course's `DownloadUserPictureProcess`, one process per user, but each
 * process hands its result back through a `multiprocessing.Queue` — Python's classic way for processes
 * to report, since a `Process` returns nothing there. The main process takes the messages as they come
 * (in the order the downloads finish, not the order of the ids), then joins every process.
 *
 * Two traps of Python's version are gone: Python must drain the queue *before* joining (a child does
 * not end while its queued data is unflushed, so join-then-get can deadlock); cc's `put` is done once
 * the item is in the queue, so either order works. And a child that dies before it puts anything
 * would leave Python's `get()` waiting for ever; here the reading stops when every process has ended
 * (an aborted `get` takes nothing), then takes what is left.
 *
 * Run: `pnpm exec tsx examples/n10_queue.ts` — offline, against a local stand-in for randomuser.me that
 * it starts itself; `--real` asks the real service, `--base-url URL` (or the URL alone) another one. It
 * prints which it used; the pictures go to `output/`.
 *
 * @module
 */
import { isMainModule } from "@cc/core";
import { Process, Queue, QueueEmpty } from "../mod.ts";
import { exampleApi } from "./_stand_in.ts";
import { type DownloadOptions, downloadUserPicture, SEED_IDS } from "./download_user_picture.ts";

/** What a process puts on the queue: the saved file, or why it failed. */
export type Report =
  | { readonly id: number; readonly pid: number; readonly file: string }
  | {
      readonly id: number;
      readonly pid: number;
      readonly error: string;
    };

/**
 * The course's process, which puts its file's path on `results` instead of returning it. The queue
 * is a field: it reaches the child with the object (as in Python, where the process object is pickled).
 */
export class DownloadUserPictureProcess extends Process<void> {
  static override module = import.meta.url;
  constructor(
    readonly id: number,
    readonly results: Queue<Report>,
    readonly options: DownloadOptions = {},
  ) {
    super();
  }
  override async run(): Promise<void> {
    try {
      const file = await downloadUserPicture(this.id, this.options);
      await this.results.put({ id: this.id, pid: process.pid, file });
    } catch (error) {
      await this.results.put({ id: this.id, pid: process.pid, error: String((error as Error).message ?? error) });
      throw error; // the exit code says it failed too (1)
    }
  }
}

/** Options of {@linkcode main}. */
export interface MainOptions extends DownloadOptions {
  /** The users to download. Default: the course's six ids. */
  ids?: readonly number[];
}

/** What {@linkcode main} saw. */
export interface QueueOutcome {
  /** The reports, in the order they arrived on the queue. */
  readonly reports: Report[];
  /** Each process's exit code, in the order of `ids`. */
  readonly exitCodes: (number | null)[];
}

/** Starts one process per id, reads one report per process from the queue, joins them. */
export async function main(options: MainOptions = {}): Promise<QueueOutcome> {
  const { ids = SEED_IDS, baseUrl, outDir } = options;
  const results = new Queue<Report>();
  const processes = ids.map((id) => new DownloadUserPictureProcess(id, results, { baseUrl, outDir }));
  for (const p of processes) p.start();
  const allEnded = new AbortController();
  void Promise.all(processes.map((p) => p.join())).then(() => allEnded.abort());
  const reports: Report[] = [];
  while (reports.length < processes.length) {
    try {
      reports.push(await results.get({ signal: allEnded.signal }));
    } catch (error) {
      if (!allEnded.signal.aborted) throw error;
      break; // every process ended: what they put is in the queue already
    }
  }
  for (;;) {
    try {
      reports.push(await results.getNowait());
    } catch (error) {
      if (error instanceof QueueEmpty) break;
      throw error;
    }
  }
  for (const p of processes) await p.join();
  return { reports, exitCodes: processes.map((p) => p.exitCode) };
}

if (isMainModule(import.meta)) {
  await using api = await exampleApi();
  const { reports, exitCodes } = await main({ baseUrl: api.baseUrl });
  for (const r of reports) console.log("file" in r ? `${r.id}: ${r.file}` : `${r.id}: failed (${r.error})`);
  console.log("exit codes:", exitCodes);
  if (exitCodes.some((code) => code !== 0)) process.exitCode = 1;
}
