// Benchmark (not a test) of @cc/futures against bare promises: the cost of one Future per task on
// an executor's hot path, awaiting futures, and asCompleted against a promise-based equivalent.
// Run: pnpm exec turbo run build --filter=@cc/futures && cd apps/bench && pnpm exec tsx futures.ts
// Options: ROUNDS=7 N=1000000 AS_COMPLETED_N=100000 CHUNK=10000
import { asCompleted, Future } from "@cc/futures";

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const N = Number(process.env.N ?? 1_000_000);
const AS_COMPLETED_N = Number(process.env.AS_COMPLETED_N ?? 100_000);
const CHUNK = Number(process.env.CHUNK ?? 10_000);

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

// 1. What the engine does per task: create, mark running, set the result (nobody waits yet).
// Each object is kept in a table, as an engine keeps its in-flight tasks, so none is optimised away.
const futureTable: Future<number>[] = new Array(CHUNK);
function futuresCreateResolve(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const future = new Future<number>();
    futureTable[i % CHUNK] = future;
    if (future.setRunningOrNotifyCancel()) future.setResult(i);
    sum += future.resultNow();
  }
  return sum;
}

const promiseTable: Promise<number>[] = new Array(CHUNK);
function promisesCreateResolve(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = deferred<number>();
    promiseTable[i % CHUNK] = d.promise;
    d.resolve(i);
    sum += i;
  }
  return sum;
}

// 2. Create pending, await each one while a producer settles them (chunks of CHUNK in flight).
async function futuresAwait(n: number): Promise<number> {
  let sum = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const size = Math.min(CHUNK, n - start);
    const futures: Future<number>[] = new Array(size);
    for (let i = 0; i < size; i++) futures[i] = new Future<number>();
    const consumer = (async () => {
      let s = 0;
      for (let i = 0; i < size; i++) s += await futures[i]!;
      return s;
    })();
    for (let i = 0; i < size; i++) futures[i]!.setResult(start + i);
    sum += await consumer;
  }
  return sum;
}

async function promisesAwait(n: number): Promise<number> {
  let sum = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const size = Math.min(CHUNK, n - start);
    const ds: Deferred<number>[] = new Array(size);
    for (let i = 0; i < size; i++) ds[i] = deferred<number>();
    const consumer = (async () => {
      let s = 0;
      for (let i = 0; i < size; i++) s += await ds[i]!.promise;
      return s;
    })();
    for (let i = 0; i < size; i++) ds[i]!.resolve(start + i);
    sum += await consumer;
  }
  return sum;
}

// 3. Completion order: asCompleted over n futures vs a minimal queue-based iterator over promises.
async function futuresAsCompleted(n: number): Promise<number> {
  const futures: Future<number>[] = new Array(n);
  for (let i = 0; i < n; i++) futures[i] = new Future<number>();
  const consumer = (async () => {
    let s = 0;
    for await (const future of asCompleted(futures)) s += future.resultNow();
    return s;
  })();
  for (let i = n - 1; i >= 0; i--) futures[i]!.setResult(i);
  return consumer;
}

/** The plain-promise equivalent of asCompleted: a queue filled by `.then` handlers, read by `for await`. */
function promisesInCompletionOrder<T>(promises: Promise<T>[]): AsyncIterable<T> {
  const queue: T[] = [];
  let head = 0;
  let remaining = promises.length;
  let wake: (() => void) | undefined;
  for (const p of promises) {
    p.then((value) => {
      queue.push(value);
      remaining--;
      const w = wake;
      wake = undefined;
      w?.();
    });
  }
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (head < queue.length) yield queue[head++]!;
        if (remaining === 0) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}

async function promisesAsCompleted(n: number): Promise<number> {
  const ds: Deferred<number>[] = new Array(n);
  for (let i = 0; i < n; i++) ds[i] = deferred<number>();
  const consumer = (async () => {
    let s = 0;
    for await (const value of promisesInCompletionOrder(ds.map((d) => d.promise))) s += value;
    return s;
  })();
  for (let i = n - 1; i >= 0; i--) ds[i]!.resolve(i);
  return consumer;
}

async function measure(fn: (n: number) => unknown, n: number): Promise<number> {
  await fn(Math.min(n, 10_000)); // warm up
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    await fn(n);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return (n / median) * 1000;
}

const cases: [string, number, (n: number) => unknown, (n: number) => unknown][] = [
  ["create + resolve", N, futuresCreateResolve, promisesCreateResolve],
  ["create + resolve + await", N, futuresAwait, promisesAwait],
  ["asCompleted (completion order)", AS_COMPLETED_N, futuresAsCompleted, promisesAsCompleted],
];

const fmt = (opsPerSecond: number) => `${(opsPerSecond / 1e6).toFixed(2)} M/s`;
const rows: string[][] = [["case", "n", "Future", "Promise", "time ratio (Future/Promise)"]];
for (const [name, n, withFutures, withPromises] of cases) {
  const futureOps = await measure(withFutures, n);
  const promiseOps = await measure(withPromises, n);
  rows.push([name, String(n), fmt(futureOps), fmt(promiseOps), `${(promiseOps / futureOps).toFixed(2)}x`]);
}

console.log(`@cc/futures vs bare promises (Node ${process.version}, median of ${ROUNDS} rounds)`);
const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col]!)).join("  "));
console.log("ratio = Future time / Promise time (below 1: the Future is faster; goal: at most 2)");
