// Task module of the @cc/distributed tests, run by cc-worker child processes (plain JS: any Node runs it).
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { currentTask } from "@cc/core";
import { currentJob } from "@cc/distributed";

export function add(a, b) {
  return a + b;
}

export function echo(value) {
  return value;
}

export class CustomError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "CustomError";
    this.code = 42;
  }
}

export function fail(message) {
  throw new CustomError(message, { cause: new RangeError("inner cause") });
}

export function whoami() {
  const job = currentJob();
  return { id: job?.id, attempt: job?.attempt, name: job?.name, pid: process.pid };
}

/** Writes `<dir>/started-<tag>`, waits for its signal, writes `<dir>/aborted-<tag>` and throws the reason. */
export async function waitForCancel(dir, tag) {
  const { signal } = currentTask();
  writeFileSync(join(dir, `started-${tag}`), String(process.pid));
  await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  writeFileSync(join(dir, `aborted-${tag}`), String(signal.reason?.name));
  throw signal.reason;
}

/** Adds a line to `<dir>/started-<tag>`, then loops forever, deaf to its signal (only a hard stop ends it). */
export function spin(dir, tag) {
  appendFileSync(join(dir, `started-${tag}`), `${process.pid}\n`);
  for (;;) {}
}

/** First attempt: writes `<dir>/first` (this process's pid) and never ends; later attempts return at once. */
export async function stickOnFirst(dir) {
  const job = currentJob();
  if (job.attempt === 1) {
    writeFileSync(join(dir, "first"), String(process.pid));
    await new Promise(() => {});
  }
  return { attempt: job.attempt, pid: process.pid };
}

/** `x`, or a CustomError when `x === bad`. */
export function failOn(x, bad) {
  if (x === bad) throw new CustomError(`item ${x}`);
  return x;
}

/** Throws on its first attempt, returns the attempt number after. */
export function flaky() {
  const job = currentJob();
  if (job.attempt < 2) throw new Error(`attempt ${job.attempt} failed`);
  return job.attempt;
}
