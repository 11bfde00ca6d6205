// Executor.map: results in input order, the input read lazily with a bounded number of chunks in flight.
import { type Task, TimeoutError } from "@cc/core";
import type { Future } from "@cc/futures";
import { Deque } from "./_deque.ts";
import type { MapOptions } from "./executor.ts";

/** What `runMap` needs of an executor. */
export interface ChunkSubmitter {
  submit(task: Task, ...args: unknown[]): Future<unknown>;
  _submitChunk<R>(task: Task, chunk: unknown[][]): Future<R[]>;
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${value}`);
  return value;
}

/** Runs `task` over `iterable` on `executor` (see `Executor.map`). */
export function runMap<T, R>(
  executor: ChunkSubmitter,
  task: Task,
  iterable: Iterable<T> | AsyncIterable<T>,
  options: MapOptions,
  maxWorkers: number,
): AsyncIterableIterator<R> {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const chunksize = positiveInteger("chunksize", options.chunksize, 1);
  const buffersize = positiveInteger("buffersize", options.buffersize, Math.max(4 * maxWorkers, 8));
  const { timeout, signal } = options;
  if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
  }
  const isAsync = typeof (iterable as AsyncIterable<T>)?.[Symbol.asyncIterator] === "function";
  if (!isAsync && typeof (iterable as Iterable<T>)?.[Symbol.iterator] !== "function") {
    throw new TypeError("map() needs an iterable or an async iterable");
  }
  const deadline = timeout === undefined ? undefined : performance.now() + Math.max(0, timeout);
  return generate<T, R>(executor, task, iterable, isAsync, chunksize, buffersize, deadline, signal);
}

async function* generate<T, R>(
  executor: ChunkSubmitter,
  task: Task,
  iterable: Iterable<T> | AsyncIterable<T>,
  isAsync: boolean,
  chunksize: number,
  buffersize: number,
  deadline: number | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<R, void, undefined> {
  const iterator = isAsync
    ? (iterable as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (iterable as Iterable<T>)[Symbol.iterator]();
  const pending = new Deque<Future<unknown>>();
  let exhausted = false;

  const fill = async (): Promise<void> => {
    while (!exhausted && pending.length < buffersize) {
      if (chunksize === 1) {
        const step = await iterator.next();
        if (step.done) {
          exhausted = true;
          return;
        }
        pending.push(executor.submit(task, step.value));
      } else {
        const chunk: unknown[][] = [];
        while (chunk.length < chunksize) {
          const step = await iterator.next();
          if (step.done) {
            exhausted = true;
            break;
          }
          chunk.push([step.value]);
        }
        if (chunk.length > 0) pending.push(executor._submitChunk(task, chunk));
      }
    }
  };

  try {
    signal?.throwIfAborted();
    await fill();
    while (pending.length > 0) {
      const future = pending.shift()!;
      const remaining = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
      let value: unknown;
      try {
        value = await future.result({ timeout: remaining, signal });
      } catch (error) {
        future.cancel();
        if (error instanceof TimeoutError) {
          throw new TimeoutError(`map() timed out: ${pending.length + 1} result(s) not ready`, { cause: error });
        }
        throw error;
      }
      await fill();
      if (chunksize === 1) {
        yield value as R;
      } else {
        for (const item of value as R[]) yield item;
      }
    }
  } finally {
    for (const future of pending.drain()) future.cancel();
    if (!exhausted) await iterator.return?.();
  }
}
