// DistributedExecutor.map: results in input order, the input read lazily, at most `buffersize` jobs in
// flight; `chunksize` items per job.
import type { MapOptions } from "@cc/executors";
import type { Future } from "@cc/futures";

/** Jobs in flight when `buffersize` is not given. */
export const DEFAULT_BUFFERSIZE = 256;

function count(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}

/** Runs a map over `submitOne` (one item per job) or `submitChunk` (a chunk of argument lists per job). */
export function runMap<T, R>(
  submitOne: (args: unknown[]) => Future<unknown>,
  submitChunk: (chunk: unknown[][]) => Future<unknown[]>,
  iterable: Iterable<T> | AsyncIterable<T>,
  options: MapOptions,
): AsyncIterableIterator<R> {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const chunksize = options.chunksize === undefined ? 1 : count("chunksize", options.chunksize);
  const buffersize = options.buffersize === undefined ? DEFAULT_BUFFERSIZE : count("buffersize", options.buffersize);
  const { timeout, signal } = options;
  if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("signal must be an AbortSignal");
  const isAsync = typeof (iterable as AsyncIterable<T>)?.[Symbol.asyncIterator] === "function";
  if (!isAsync && typeof (iterable as Iterable<T>)?.[Symbol.iterator] !== "function") {
    throw new TypeError("map() needs an iterable or an async iterable");
  }
  const deadline = timeout === undefined ? undefined : performance.now() + Math.max(0, timeout);
  const iterator = isAsync
    ? (iterable as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (iterable as Iterable<T>)[Symbol.iterator]();
  return generate<T, R>(submitOne, submitChunk, iterator, chunksize, buffersize, deadline, signal);
}

async function* generate<T, R>(
  submitOne: (args: unknown[]) => Future<unknown>,
  submitChunk: (chunk: unknown[][]) => Future<unknown[]>,
  iterator: Iterator<T> | AsyncIterator<T>,
  chunksize: number,
  buffersize: number,
  deadline: number | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<R, void, undefined> {
  const inflight: Future<unknown>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      signal?.throwIfAborted();
      while (!exhausted && inflight.length < buffersize) {
        const items: T[] = [];
        while (items.length < chunksize) {
          const r = await iterator.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          items.push(r.value);
        }
        if (items.length === 0) break;
        inflight.push(chunksize === 1 ? submitOne([items[0]]) : submitChunk(items.map((x) => [x])));
      }
      const next = inflight.shift();
      if (next === undefined) return;
      const value =
        deadline === undefined && signal === undefined
          ? await next
          : await next.result({
              timeout: deadline === undefined ? undefined : Math.max(0, deadline - performance.now()),
              signal,
            });
      if (chunksize === 1) yield value as R;
      else for (const v of value as R[]) yield v;
    }
  } finally {
    for (const f of inflight) f.cancel();
    if (!exhausted) await iterator.return?.();
  }
}
