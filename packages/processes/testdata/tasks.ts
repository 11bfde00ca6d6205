// Task fixtures for the process tests (loaded in child processes).
import { currentTask } from "@cc/core";

export function square(x: number): number {
  return x * x;
}

export function pid(): number {
  return process.pid;
}

export function add(a: number, b: number): number {
  return a + b;
}

export function fail(message: string): never {
  throw new RangeError(message);
}

export function exitWith(code: number): never {
  process.exit(code);
}

/** Kills its own process with `signal` (as a crash or the OOM killer would). */
export function killSelf(signal: NodeJS.Signals): Promise<never> {
  process.kill(process.pid, signal);
  return new Promise(() => {});
}

let initialized: unknown;
export function init(value: unknown): void {
  initialized = value;
}
export function initFails(): void {
  throw new Error("cannot initialise");
}
export function readInit(): unknown {
  return initialized;
}

export function describeArg(value: unknown): string {
  return Object.prototype.toString.call(value);
}

/** Reports progress "started", then waits until its signal aborts (never finishes on its own). */
export function untilCancelled(): Promise<never> {
  const { signal, progress } = currentTask();
  progress("started");
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
}

/** Resolves after `ms` milliseconds with `value`. */
export async function after<T>(ms: number, value: T): Promise<T> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return value;
}

/** Reports progress "started", then never finishes, whatever happens (for terminate/kill). */
export function forever(): Promise<never> {
  currentTask().progress("started");
  setInterval(() => {}, 1000);
  return new Promise(() => {});
}

/** Ignores SIGTERM, writes `marker` once it does, and never settles (terminate() must kill the child). */
export async function ignoreSigterm(marker: string): Promise<never> {
  process.on("SIGTERM", () => {});
  const { writeFileSync } = await import("node:fs");
  writeFileSync(marker, "");
  setInterval(() => {}, 1000);
  return new Promise(() => {});
}

/** Returns `value`; with `waitFor`, only once that file exists (a cross-process latch for ordering tests). */
export async function echo(item: { value: number; waitFor?: string }): Promise<number> {
  const { existsSync } = await import("node:fs");
  while (item.waitFor !== undefined && !existsSync(item.waitFor)) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return item.value;
}

export async function* echoEach(values: Iterable<unknown>): AsyncGenerator<unknown> {
  for (const value of values) yield value;
}

/** Reports progress "started", then exits with `code` once the file `go` exists (a crash on cue). */
export async function exitWhenExists(go: string, code: number): Promise<never> {
  const { existsSync } = await import("node:fs");
  currentTask().progress("started");
  while (!existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 5));
  process.exit(code);
}

/** Returns an object whose getter throws when the result is copied to the host. */
export function throwingGetter(): unknown {
  return {
    get bad(): number {
      throw new Error("not today");
    },
  };
}

/** Reports progress "started", then loops on the CPU for ever, ignoring its signal. */
export async function spinForever(): Promise<never> {
  currentTask().progress("started");
  await new Promise((resolve) => setImmediate(resolve)); // the progress report leaves first
  for (;;);
}

/** `x * x`, or a RangeError naming `x` when it is negative (for errors at their item in `map`). */
export function squareOrFail(x: number): number {
  if (x < 0) throw new RangeError(`negative: ${x}`);
  return x * x;
}
