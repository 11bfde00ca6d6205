// Task fixtures for the executor tests (loaded in worker threads and child processes).
import { threadId } from "node:worker_threads";
import { currentTask } from "@cc/core";

export function square(x: number): number {
  return x * x;
}

export function whoAmI(): number {
  return threadId === 0 ? process.pid : threadId;
}

export function fail(message: string): never {
  throw new RangeError(message);
}

let initialized: unknown;
let initCount = 0;
export function init(value: unknown): void {
  initialized = value;
  initCount++;
}
export async function initSlowly(value: unknown): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  init(value);
}
export function initFails(): void {
  throw new Error("cannot initialise");
}
export function readInit(): { value: unknown; count: number } {
  return { value: initialized, count: initCount };
}

/** Marks slot `index` of `latch` as started, then blocks until it is released (threads only). */
export function holdUntilReleased(latch: Int32Array, index: number): number {
  Atomics.compareExchange(latch, index, 0, 1); // a release that came first stays
  Atomics.notify(latch, index);
  while (Atomics.load(latch, index) !== 2) Atomics.wait(latch, index, 1, 1000);
  return index;
}

/** Marks started, then waits (without blocking) until its signal aborts; rejects with the reason. */
export function untilCancelled(latch: Int32Array, index: number): Promise<never> {
  const { signal } = currentTask();
  Atomics.store(latch, index, 1);
  Atomics.notify(latch, index);
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
}

/** Marks started, then never finishes and ignores cancellation (for hard stops). */
export function stuck(latch: Int32Array, index: number): Promise<never> {
  Atomics.store(latch, index, 1);
  Atomics.notify(latch, index);
  return new Promise(() => setInterval(() => {}, 1000));
}

export function exitWith(code: number): never {
  process.exit(code);
}

export function throwFromTimer(message: string): Promise<never> {
  setTimeout(() => {
    throw new SyntaxError(message);
  }, 0);
  return new Promise(() => {});
}

export function hog(): number {
  const keep: number[][] = [];
  for (;;) keep.push(new Array(1_000_000).fill(1));
}

export function describeArg(value: unknown): string {
  return Object.prototype.toString.call(value);
}

/** Its arguments, as the worker received them. */
export function argsOf(...args: unknown[]): unknown[] {
  return args;
}

export function byteLength(bytes: Uint8Array): number {
  return bytes.byteLength;
}

export async function* countTo(n: number): AsyncGenerator<number> {
  for (let i = 1; i <= n; i++) yield i;
}

export async function* forever(latch: Int32Array): AsyncGenerator<number> {
  let i = 0;
  try {
    for (;;) {
      Atomics.store(latch, 1, i);
      yield i++;
    }
  } finally {
    Atomics.store(latch, 0, 1);
    Atomics.notify(latch, 0);
  }
}

export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function withProgress(n: number): number {
  for (let i = 1; i <= n; i++) currentTask().progress(i);
  return n;
}

/** Submits work from inside a task: a task may run its own pool in its worker. */
export async function sumOfSquaresNested(n: number): Promise<number> {
  const { ThreadPoolExecutor } = await import("@cc/executors");
  const { task } = await import("@cc/core");
  await using inner = new ThreadPoolExecutor({ maxWorkers: 2 });
  const sq = task<typeof square>(new URL("./tasks.mjs", import.meta.url), "square");
  const futures = Array.from({ length: n }, (_, i) => inner.submit(sq, i + 1));
  let sum = 0;
  for (const f of futures) sum += await f;
  return sum;
}

/** Keeps the thread busy for `ms` milliseconds, then returns `ms`. */
export function spin(ms: number): number {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
  return ms;
}

let later = -1;
/** Sets the value `readLater()` returns, one microtask after it returns. */
export function setLater(value: number): void {
  Promise.resolve().then(() => {
    later = value;
  });
}

export function readLater(): number {
  return later;
}

/** Marks started, then loops on the CPU for ever, ignoring its signal (threads only: it blocks the thread). */
export function spinForever(latch: Int32Array, index: number): never {
  Atomics.store(latch, index, 1);
  Atomics.notify(latch, index);
  for (;;);
}

/** For `map`: marks item `[latch, index]` started, then waits without blocking its thread until it is released. */
export async function waitForRelease([latch, index]: [Int32Array, number]): Promise<number> {
  Atomics.compareExchange(latch, index, 0, 1); // a release that came first stays
  Atomics.notify(latch, index);
  while (Atomics.load(latch, index) !== 2) {
    const waiting = Atomics.waitAsync(latch, index, 1, 1000);
    if (waiting.async) await waiting.value;
  }
  return index;
}

/** `x * x`, or a RangeError naming `x` when it is negative (for errors at their item in `map`). */
export function squareOrFail(x: number): number {
  if (x < 0) throw new RangeError(`negative: ${x}`);
  return x * x;
}
