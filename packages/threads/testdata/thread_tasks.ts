// Task fixtures for thread_test.ts, loaded in real worker threads (TypeScript through tsx).
import { threadId } from "node:worker_threads";

export function square(x: number): number {
  return x * x;
}

export function whoAmI(): number {
  return threadId;
}

export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export async function fail(kind: string): Promise<never> {
  await Promise.resolve();
  if (kind === "custom") throw new ValidationError("bad id", "id");
  throw new TypeError(`not a number: ${kind}`);
}

/** Blocks its worker until `latch[0]` is no longer 0, then returns `latch[0]`. */
export function waitForRelease(latch: Int32Array): number {
  Atomics.wait(latch, 0, 0);
  return Atomics.load(latch, 0);
}

/** Blocks until `latch[0]` is no longer 0, then throws a TypeError. */
export function failAfterRelease(latch: Int32Array): never {
  Atomics.wait(latch, 0, 0);
  throw new TypeError("failed after release");
}

/** Counts itself in `cells[0]`, waits until `cells[1]` is set (the host sees all arrivals), returns `id`. */
export function arriveAndWait(cells: Int32Array, id: number): number {
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  Atomics.wait(cells, 1, 0);
  return id;
}

export function notCloneable(): () => void {
  return () => {};
}

/** Ends the worker thread mid-task. */
export function exitWorker(code: number): never {
  process.exit(code);
}
