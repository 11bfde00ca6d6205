// Task fixtures for @cc/core's tests (loaded in worker threads and child processes).
import { existsSync, writeFileSync } from "node:fs";
import { currentTask, SHAREABLE, type SharedHandle, transfer } from "../mod.ts";

export function square(x: number): number {
  return x * x;
}

export async function slowSquare(x: number): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return x * x;
}

export function add(a: number, b: number): number {
  return a + b;
}

export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    message: string,
    readonly field: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function fail(kind: string): never {
  if (kind === "custom") throw new ValidationError("bad id", "id", { cause: new RangeError("id < 0") });
  if (kind === "type") throw new TypeError("not a number");
  if (kind === "string") throw "plain string";
  throw new Error(kind);
}

export async function failAsync(message: string): Promise<never> {
  await Promise.resolve();
  throw new Error(message);
}

export const notAFunction = 42;

export function returnsFunction(): unknown {
  return { ok: 1, handle: () => 1 };
}

export function echo(value: unknown): unknown {
  return value;
}

/** Waits until cancelled, then rejects with the abort reason. */
let lastCancelReason: unknown;

export function waitForCancel(): Promise<never> {
  const { signal } = currentTask();
  return new Promise((_, reject) => {
    signal.addEventListener(
      "abort",
      () => {
        lastCancelReason = signal.reason;
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** What the last `waitForCancel` call's signal aborted with, as seen in the worker. */
export function cancelReasonSeen(): { isError: boolean; name: string; message: string } {
  const reason = lastCancelReason as Error;
  return { isError: reason instanceof Error, name: reason?.name, message: reason?.message };
}

export async function withProgress(n: number): Promise<number> {
  const ctx = currentTask();
  for (let i = 1; i <= n; i++) {
    ctx.progress({ done: i, of: n });
    await Promise.resolve();
  }
  return n;
}

export async function* count(n: number, markerFile?: string): AsyncGenerator<number, string> {
  try {
    for (let i = 0; i < n; i++) yield i;
    return "finished";
  } finally {
    if (markerFile) writeFileSync(markerFile, "closed");
  }
}

export function exitWith(code: number): never {
  process.exit(code);
}

export function throwLater(message: string): Promise<never> {
  setTimeout(() => {
    throw new ValidationError(message, "timer");
  }, 0);
  return new Promise(() => {});
}

export function rejectLater(message: string): Promise<never> {
  Promise.reject(new RangeError(message));
  return new Promise(() => {});
}

export function hog(): number {
  const keep: number[][] = [];
  for (;;) keep.push(new Array(1_000_000).fill(1));
}

export function isMainHere(): boolean {
  return false;
}

export function makeBuffer(size: number): unknown {
  const bytes = new Uint8Array(size).fill(7);
  return transfer(bytes, [bytes.buffer]);
}

/** A shareable counter over a SharedArrayBuffer (threads only). */
export class Counter {
  constructor(readonly cells: Int32Array = new Int32Array(new SharedArrayBuffer(4))) {}
  static fromShared(state: Int32Array): Counter {
    return new Counter(state);
  }
  increment(): number {
    return Atomics.add(this.cells, 0, 1) + 1;
  }
  [SHAREABLE](): SharedHandle {
    return { url: import.meta.url, name: "Counter", state: this.cells };
  }
}

export function bump(counter: Counter, times: number): boolean {
  if (!(counter instanceof Counter)) throw new TypeError("not revived as a Counter");
  for (let i = 0; i < times; i++) counter.increment();
  return true;
}

/** Busy for `ms` milliseconds (a slow synchronous task). */
export function busyFor(ms: number): number {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
  return ms;
}

/** Marks `latch[0]` started, then blocks until it is 2 (threads only). */
export function holdUntilReleased(latch: Int32Array): string {
  Atomics.compareExchange(latch, 0, 0, 1);
  while (Atomics.load(latch, 0) !== 2) Atomics.wait(latch, 0, 1, 1000);
  return "released";
}

/** Prints, then returns (output must reach the caller before the result). */
export function printAndReturn(word: string): string {
  for (let i = 0; i < 50; i++) console.log(`${word} ${i} from the worker`);
  console.error(`${word} on stderr`);
  return word;
}

/** The first lingering claim cell as this worker thread sees it (the host's array, adopted), as text. */
export function firstLingerClaim(): string | undefined {
  return (globalThis as Record<symbol, BigInt64Array | undefined>)[Symbol.for("cc.lingerClaims")]?.[0]?.toString();
}

/**
 * Drops the IPC channel (child processes) and, once it is closed, writes `latch` and holds the event
 * loop until `release` exists, before the child's own exit on disconnect can run.
 */
export function disconnectAndBlock(latch: string, release: string): Promise<never> {
  process.prependOnceListener("disconnect", () => {
    writeFileSync(latch, "");
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const until = Date.now() + 30_000;
    while (!existsSync(release) && Date.now() < until) Atomics.wait(cell, 0, 0, 5);
  });
  process.disconnect?.();
  return new Promise(() => {});
}

/** Returns an object whose getter throws when the result is copied (cloned or serialized). */
export function returnsThrowingGetter(): unknown {
  return {
    ok: 1,
    nested: {
      get secret(): string {
        throw new Error("no copy for you");
      },
    },
  };
}

/**
 * Posts what looks like cc's replies (`[id, 0, "spoofed"]` for ids 1 to 4) where task code can: on
 * `parentPort` in a thread, with `process.send` in a child process; then returns "real" a turn later.
 */
export async function spoofReplies(): Promise<string> {
  const { parentPort } = await import("node:worker_threads");
  for (let id = 1; id <= 4; id++) {
    const forged = [id, 0, "spoofed"];
    if (parentPort) parentPort.postMessage(forged);
    else process.send?.(forged);
  }
  if (process.send) process.send({ k: "fatal", error: "forged" }); // nor is a control message taken
  await new Promise((resolve) => setImmediate(resolve));
  return "real";
}
