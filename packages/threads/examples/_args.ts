// The examples' command line: `--sleep-ms <ms>` shortens the course's 5-second sleep.
import { parseArgs } from "node:util";

/** The `--sleep-ms` value of the command line, or `undefined` (then the course's 5000 ms). */
export function sleepMsFromArgv(args: string[] = process.argv.slice(2)): number | undefined {
  const { values } = parseArgs({ args, options: { "sleep-ms": { type: "string" } }, strict: false });
  const raw = values["sleep-ms"];
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  if (typeof raw !== "string" || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`--sleep-ms must be a number of milliseconds, got "${String(raw)}"`);
  }
  return ms;
}

/** Python's `print` of a list of numbers: `[1, 2, 3]`. */
export function pyList(values: readonly unknown[]): string {
  return `[${values.join(", ")}]`;
}
