/**
 * The downloader's command line: `node dist/main.js [options]`. Downloads the course's six user
 * pictures (or `--ids`, or `--count`) on the chosen concurrency model, from a local randomuser.me
 * stand-in (default), the real service (`--real`) or another server (`--base-url`).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { isMainModule } from "@cc/core";
import cliProgress from "cli-progress";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { RANDOMUSER_URL } from "./download.ts";
import { type DownloadModel, type DownloadOutcome, MODELS, ModelUnavailableError, TOUR } from "./models.ts";
import { type ReportPicture, writeReport } from "./report.ts";
import { startServer } from "./server.ts";

/**
 * The course's ids, the default of `--ids`.
 *
 * @example
 * ```ts
 * import { DEFAULT_IDS } from "./mod.ts";
 * console.assert(DEFAULT_IDS.join() === "123,456,789,111,222,333");
 * ```
 */
export const DEFAULT_IDS: readonly number[] = [123, 456, 789, 111, 222, 333];

/**
 * The model shown as `--model`'s default; without `--model` (or with `--models`) the CLI runs {@linkcode TOUR}.
 *
 * @example
 * ```ts
 * import { DEFAULT_MODEL, MODELS } from "./mod.ts";
 * console.assert(MODELS.some((m) => m.name === DEFAULT_MODEL));
 * ```
 */
export const DEFAULT_MODEL = "async";

/** A stream the CLI writes to. */
export interface CliStream {
  write(text: string): unknown;
  /** True when it is a terminal: then a progress bar is drawn. */
  isTTY?: boolean;
}

/** Options of {@linkcode main}: where output goes and how to stop it. */
export interface MainOptions {
  /**
   * Progress lines and the summary.
   * @default {process.stdout}
   */
  stdout?: CliStream;
  /**
   * Errors, and the progress bar on a terminal.
   * @default {process.stderr}
   */
  stderr?: CliStream;
  /** Aborts the downloads in flight (Ctrl-C); the run then ends with exit code 130. */
  signal?: AbortSignal;
}

/**
 * Exit codes of {@linkcode main}, and of the CLI: `terminated` (128 + 15) is the CLI's when SIGTERM
 * stopped it (`main` itself returns `interrupted` whatever aborted its signal).
 *
 * @example
 * ```ts
 * import { EXIT } from "./mod.ts";
 * console.assert(EXIT.usage === 2);
 * ```
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

function positiveInteger(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!(Number.isSafeInteger(n) && n >= 1 && n <= max)) {
      throw new InvalidArgumentError(`The ${name} must be an integer from 1 to ${max}: received "${value}"`);
    }
    return n;
  };
}

function nonNegativeInteger(name: string) {
  return (value: string): number => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`The ${name} must be a non-negative integer: received "${value}"`);
    }
    return n;
  };
}

function idList(value: string): number[] {
  const parts = value.split(",").map((part) => part.trim());
  const ids = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  const bad = parts.find((part, i) => !Number.isSafeInteger(ids[i]) || part === "");
  if (bad !== undefined || parts.length === 0) {
    throw new InvalidArgumentError(
      `Each id must be a non-negative integer, separated by commas: received "${bad ?? value}" in "${value}"`,
    );
  }
  return ids;
}

function modelList(value: string): string[] {
  const names = value.split(",").map((part) => part.trim());
  const unknown = names.find((name) => !MODELS.some((m) => m.name === name));
  if (unknown !== undefined) {
    throw new InvalidArgumentError(
      `Unknown model "${unknown}" in "${value}": choose from ${MODELS.map((m) => m.name).join(", ")}`,
    );
  }
  return names;
}

function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`The base URL must be an http or https URL: received "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(`The base URL must be an http or https URL: received "${value}"`);
  }
  return url.href.replace(/\/+$/, "");
}

function rate(name: string) {
  return (value: string): number => {
    const n = /^\d*\.?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!(n >= 0 && n <= 1))
      throw new InvalidArgumentError(`The ${name} must be a number from 0 to 1: received "${value}"`);
    return n;
  };
}

const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    if (pkg.version) return pkg.version;
  } catch {
    // run from the sources: package.json is beside main.ts
  }
  try {
    const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
})();

interface ParsedOptions {
  ids: number[];
  count?: number;
  start: number;
  model: string;
  concurrency: number;
  out: string;
  real?: boolean;
  baseUrl?: string;
  latency: number;
  failRate: number;
  rateLimit: number;
  stall: number;
  retries: number;
  retryTime: number;
  timeout: number;
  quiet?: boolean;
  models?: string[];
  json?: boolean;
}

function program(stdout: CliStream, stderr: CliStream): Command {
  const width = Math.max(...MODELS.map((m) => m.name.length));
  return new Command("downloader")
    .description("Download the course's user pictures from randomuser.me (or a local stand-in) on a concurrency model.")
    .addOption(
      new Option("--ids <list>", "comma-separated user ids (the seeds)")
        .default([...DEFAULT_IDS], DEFAULT_IDS.join(","))
        .argParser(idList),
    )
    .addOption(
      new Option("--count <n>", "download n consecutive ids from --start instead of --ids")
        .argParser(positiveInteger("count", 100_000))
        .conflicts("ids"),
    )
    .addOption(new Option("--start <id>", "the first id for --count").default(1).argParser(nonNegativeInteger("start")))
    .addOption(
      new Option("--model <name>", "run one model (default: the tour of the course's models; see --models)")
        .choices(MODELS.map((m) => m.name))
        .default(DEFAULT_MODEL),
    )
    .addOption(
      new Option("--concurrency <n>", "downloads at once, for the models that run several")
        .default(4)
        .argParser(positiveInteger("concurrency", 1024)),
    )
    .addOption(new Option("--out <dir>", "output folder (created if missing)").default("output"))
    .addOption(
      new Option("--real", `use the real service, ${RANDOMUSER_URL} (needs the internet)`).conflicts("baseUrl"),
    )
    .addOption(new Option("--base-url <url>", "use another randomuser.me-compatible server").argParser(httpUrl))
    .addOption(
      new Option("--latency <ms>", "delay of each answer of the local server, in ms")
        .default(0)
        .argParser(nonNegativeInteger("latency"))
        .conflicts(["real", "baseUrl"]),
    )
    .addOption(
      new Option("--fail-rate <p>", "probability (0-1) that the local server answers an API request with a 500")
        .default(0)
        .argParser(rate("fail rate"))
        .conflicts(["real", "baseUrl"]),
    )
    .addOption(
      new Option(
        "--rate-limit <n>",
        "API requests per second the local server answers; the others get 429 + Retry-After",
      )
        .default(0, "no limit")
        .argParser(nonNegativeInteger("rate limit"))
        .conflicts(["real", "baseUrl"]),
    )
    .addOption(
      new Option("--stall <p>", "probability (0-1) that the local server never answers an API request")
        .default(0)
        .argParser(rate("stall"))
        .conflicts(["real", "baseUrl"]),
    )
    .addOption(
      new Option("--retries <n>", "retries per download on a 5xx, 429, connection error or timeout")
        .default(4)
        .argParser(nonNegativeInteger("retries")),
    )
    .addOption(
      new Option("--retry-time <ms>", "the most time a download's tries and waits may take")
        .default(30_000)
        .argParser(positiveInteger("retry time")),
    )
    .addOption(
      new Option("--timeout <ms>", "per request: the longest wait to connect, for the headers, or between two parts")
        .default(10_000)
        .argParser(positiveInteger("timeout")),
    )
    .addOption(
      new Option("--models <list>", `comma-separated models to run in turn (default: the tour, ${TOUR.join(",")})`)
        .argParser(modelList)
        .conflicts("model"),
    )
    .addOption(new Option("--json", "print the summary as JSON (errors still go to stderr)"))
    .addOption(new Option("--quiet", "print nothing but errors"))
    .version(VERSION, "-V, --version", "print the version")
    .addHelpText("after", `\nModels:\n${MODELS.map((m) => `  ${m.name.padEnd(width)}  ${m.description}`).join("\n")}\n`)
    .helpOption("-h, --help", "show this help")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) })
    .exitOverride();
}

/**
 * Runs the CLI with `argv` (the arguments after `node main.js`) and resolves to the exit code:
 * 0 when every picture was written, 1 when a download failed, 2 on bad input, 130 when `signal`
 * aborted the run. Never calls `process.exit`.
 *
 * @param argv The command-line arguments, e.g. `["--model", "sequential"]`.
 * @param options Output streams and an abort signal.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * const code = await main(["--ids", "1,2", "--out", "output", "--quiet"]);
 * console.assert(code === 0);
 * ```
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const { stdout = process.stdout, stderr = process.stderr, signal } = options;
  const command = program(stdout, stderr);
  try {
    command.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  const opts = command.opts<ParsedOptions>();
  // the tour unless one --model is asked for; --models picks the tour's (or any) models
  const single = opts.models === undefined && command.getOptionValueSource("model") !== "default";
  const models = single
    ? [MODELS.find((m) => m.name === opts.model) as DownloadModel]
    : (opts.models ?? TOUR).map((name) => MODELS.find((m) => m.name === name) as DownloadModel);
  const ids = opts.count === undefined ? opts.ids : Array.from({ length: opts.count }, (_, i) => opts.start + i);
  const json = opts.json === true;
  const quiet = opts.quiet === true || json;
  const say = (line: string): void => {
    if (!quiet) stdout.write(`${line}\n`);
  };

  // `npm run demo` runs in the package's folder: --out is relative to where the user typed it (INIT_CWD)
  const userDir = process.env.npm_lifecycle_event === "demo" ? process.env.INIT_CWD : undefined;
  const outDir = userDir ? resolve(userDir, opts.out) : opts.out;
  const started = performance.now();
  await using local =
    opts.real || opts.baseUrl
      ? undefined
      : await startServer({
          latency: opts.latency,
          failRate: opts.failRate,
          rateLimit: opts.rateLimit,
          stall: opts.stall,
        });
  const baseUrl = local?.url ?? opts.baseUrl ?? RANDOMUSER_URL;
  const first = models[0] as DownloadModel;
  say(
    `Downloading ${ids.length} picture${ids.length === 1 ? "" : "s"} from ${local ? `a local stand-in for randomuser.me at ${baseUrl}` : baseUrl}` +
      ` into ${opts.out}/ ` +
      (single
        ? `(model ${first.name}${first.usesConcurrency ? `, concurrency ${opts.concurrency}` : ""})`
        : `on ${models.length} model${models.length === 1 ? "" : "s"} in turn (concurrency ${opts.concurrency} where it applies)`),
  );

  const rows: ModelSummary[] = [];
  const pictures = new Map<number | string, ReportPicture>();
  let allFailures = 0;
  const nameWidth = Math.max(10, ...models.map((m) => m.name.length));
  for (const model of models) {
    // what a model needs (Redis and its workers) starts before it is timed and stops after it
    let prepared: AsyncDisposable | undefined;
    try {
      prepared = await model.prepare?.({ concurrency: opts.concurrency });
    } catch (error) {
      if (!(error instanceof ModelUnavailableError)) throw error;
      say(`  ${model.name.padEnd(nameWidth)} skipped: ${error.message}`);
      continue;
    }
    await using _prepared = prepared ?? { async [Symbol.asyncDispose]() {} };
    // an abort ends the loop after the model it interrupted (each model settles at once if it came before)
    const modelStarted = performance.now();
    const useBar = single && !quiet && stderr.isTTY === true;
    const bar = useBar
      ? new cliProgress.SingleBar(
          {
            stream: stderr as NodeJS.WritableStream,
            format: "  {bar} {value}/{total} | {failed} failed | {rate}/s | {duration_formatted} | ETA {eta_formatted}",
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    let failed = 0;
    const rate = (): string => {
      const seconds = (performance.now() - modelStarted) / 1000;
      return seconds > 0 ? ((ids.length - remaining) / seconds).toFixed(1) : "0.0";
    };
    let remaining = ids.length;
    bar?.start(ids.length, 0, { failed, rate: "0.0" });
    const onSettled = (outcome: DownloadOutcome): void => {
      if (!outcome.ok) failed++;
      remaining--;
      if (signal?.aborted) {
        bar?.increment(1, { failed, rate: rate() });
        return; // interrupted: the summary says how many were not written, not one line each
      }
      if (bar) bar.increment(1, { failed, rate: rate() });
      else if (!single) {
        if (!outcome.ok && !quiet) stdout.write(`  FAIL  ${model.name} ${outcome.id}: ${message(outcome.error)}\n`);
      } else if (outcome.ok) say(`  ok    ${outcome.id} -> ${join(opts.out, basename(outcome.path))}`);
      else if (!quiet) stdout.write(`  FAIL  ${outcome.id}: ${message(outcome.error)}\n`);
    };

    const outcomes = await model.run(ids, {
      baseUrl,
      outDir,
      concurrency: opts.concurrency,
      retry: { retries: opts.retries, retryTime: opts.retryTime, timeout: opts.timeout },
      onSettled,
      ...(signal ? { signal } : {}),
    });
    bar?.stop();
    const row: ModelSummary = {
      model: model.name,
      wallMs: Math.round(performance.now() - modelStarted),
      files: outcomes.filter((o) => o.ok).length,
      bytes: outcomes.reduce((sum, o) => sum + (o.ok ? o.bytes : 0), 0),
      failures: outcomes.filter((o) => !o.ok).length,
      retries: outcomes.reduce((sum, o) => sum + o.retries, 0),
    };
    allFailures += row.failures;
    for (const o of outcomes) if (o.ok) pictures.set(o.id, { id: o.id, name: o.name, path: o.path });
    for (const outcome of outcomes) {
      if (!outcome.ok && (bar || (quiet && !json)) && !signal?.aborted) {
        stderr.write(`error: ${single ? "" : `${model.name}: `}id ${outcome.id}: ${message(outcome.error)}\n`);
      } else if (!outcome.ok && json && !signal?.aborted) {
        stderr.write(`error: ${model.name}: id ${outcome.id}: ${message(outcome.error)}\n`);
      }
    }
    if (signal?.aborted) {
      say(
        `Interrupted: ${row.files} file${row.files === 1 ? "" : "s"} written to ${opts.out}/, ${row.failures} not downloaded, ` +
          `${plural(row.retries, "retry", "retries")}, ${Math.round(performance.now() - started)} ms`,
      );
      break;
    }
    rows.push(row);
    if (single) {
      say(
        `Done: ${plural(row.files, "file", "files")} written to ${opts.out}/, ${row.failures} failed, ` +
          `${plural(row.retries, "retry", "retries")}, ${Math.round(performance.now() - started)} ms`,
      );
    } else {
      say(
        `  ${model.name.padEnd(nameWidth)} ${String(row.files).padStart(4)} written, ${row.failures} failed, ` +
          `${plural(row.retries, "retry", "retries")}, ${row.wallMs} ms`,
      );
    }
  }
  let report: string | undefined;
  if (!single && !signal?.aborted) {
    await mkdir(outDir, { recursive: true });
    await writeReport(outDir, {
      subtitle:
        `${plural(ids.length, "picture", "pictures")} from ${local ? "a local stand-in for randomuser.me" : baseUrl}, ` +
        `on ${plural(rows.length, "model", "models")} in turn (concurrency ${opts.concurrency} where it applies)`,
      pictures: ids.flatMap((id) => pictures.get(id) ?? []),
      timings: rows,
    });
    report = join(opts.out, "report.html");
  }
  if (!signal?.aborted) {
    if (json) {
      const summary = {
        ids,
        baseUrl,
        outDir: opts.out,
        concurrency: opts.concurrency,
        models: rows,
        ...(report ? { report } : {}),
      };
      stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else if (!single) {
      say(`\n${table(rows)}`);
      say(`Report: ${report} (the pictures with their names, and the times)`);
      say(`Done: ${models.length} models, ${allFailures} failed, ${Math.round(performance.now() - started)} ms`);
    }
  }
  if (signal?.aborted) return EXIT.interrupted;
  return allFailures > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * One row of the tour's table (and of `--json`'s `models`).
 */
export interface ModelSummary {
  /** The model's name. */
  model: string;
  /** Its wall time, in ms. */
  wallMs: number;
  /** Pictures written. */
  files: number;
  /** Their total size. */
  bytes: number;
  /** Downloads that failed after their retries. */
  failures: number;
  /** Retries made, in all. */
  retries: number;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function table(rows: readonly ModelSummary[]): string {
  const head = ["model", "wall time", "files", "bytes", "failures", "retries"];
  const cells = rows.map((r) => [
    r.model,
    `${r.wallMs} ms`,
    String(r.files),
    r.bytes >= 10_000 ? `${(r.bytes / 1000).toFixed(1)} kB` : `${r.bytes} B`,
    String(r.failures),
    String(r.retries),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]): string =>
    c.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** The error's message followed by its causes' ("Cannot reach …: fetch failed: connect ECONNREFUSED …"). */
function message(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 4; e = e instanceof Error ? e.cause : undefined) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join(": ");
}

// Only when run as `node dist/main.js`: not when a worker thread or child process imports this module.
// Ctrl-C (SIGINT, to this process or its whole group) or SIGTERM aborts the downloads in flight, which
// remove their temporary files, and the CLI exits 130 (143 for SIGTERM) once every worker has ended.
// The child processes of the `processes` and `pool` models ignore SIGINT (cc's child runtime): this
// process decides. A second signal exits at once.
if (isMainModule(import.meta)) {
  const controller = new AbortController();
  let stopped: number = EXIT.interrupted;
  const interrupt = (name: NodeJS.Signals): void => {
    const code = name === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
    if (controller.signal.aborted) process.exit(code);
    stopped = code;
    controller.abort(new Error(name === "SIGTERM" ? "Terminated" : "Interrupted"));
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  const code = await main(process.argv.slice(2), { signal: controller.signal });
  process.exitCode = code === EXIT.interrupted ? stopped : code;
  process.off("SIGINT", interrupt);
  process.off("SIGTERM", interrupt);
}
