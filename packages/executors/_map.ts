// Executor.map: results in input order, the input read lazily with a bounded number of chunks in flight.
import { type Task, TimeoutError } from "@cc/core";
import { Future } from "@cc/futures";
import { checkCount } from "./_checks.ts";
import { Deque } from "./_deque.ts";
import type { MapOptions } from "./executor.ts";

/** What `runMap` needs of an executor. */
export interface ChunkSubmitter {
  submit(task: Task, ...args: unknown[]): Future<unknown>;
  _submitChunk<R>(task: Task, chunk: unknown[][]): Future<R[]>;
}

/**
 * Runs `task` over `iterable` on `executor` (see `Executor.map`). `ordered: false` yields each result
 * as soon as it is ready (Python's `Pool.imap_unordered`), with the same bounds, timeout and abort.
 */
export function runMap<T, R>(
  executor: ChunkSubmitter,
  task: Task,
  iterable: Iterable<T> | AsyncIterable<T>,
  options: MapOptions,
  maxWorkers: number,
  ordered = true,
): AsyncIterableIterator<R> {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const chunksize = options.chunksize === undefined ? 1 : checkCount("chunksize", options.chunksize, 1);
  const buffersize =
    options.buffersize === undefined ? Math.max(4 * maxWorkers, 8) : checkCount("buffersize", options.buffersize, 1);
  const { timeout, signal } = options;
  if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
  }
  const name = ordered ? "map" : "imapUnordered";
  const isAsync = typeof (iterable as AsyncIterable<T>)?.[Symbol.asyncIterator] === "function";
  if (!isAsync && typeof (iterable as Iterable<T>)?.[Symbol.iterator] !== "function") {
    throw new TypeError(`${name}() needs an iterable or an async iterable`);
  }
  const deadline = timeout === undefined ? undefined : performance.now() + Math.max(0, timeout);
  return generate<T, R>(executor, task, iterable, { isAsync, chunksize, buffersize, deadline, signal, ordered, name });
}

interface Plan {
  readonly isAsync: boolean;
  readonly chunksize: number;
  readonly buffersize: number;
  readonly deadline: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly ordered: boolean;
  /** The method, for messages. */
  readonly name: string;
}

async function* generate<T, R>(
  executor: ChunkSubmitter,
  task: Task,
  iterable: Iterable<T> | AsyncIterable<T>,
  { isAsync, chunksize, buffersize, deadline, signal, ordered, name }: Plan,
): AsyncGenerator<R, void, undefined> {
  // made here, on the first next(): a map left before it starts never opens the input
  const iterator = isAsync
    ? (iterable as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (iterable as Iterable<T>)[Symbol.iterator]();
  // ordered: every future, in input order. Unordered: the finished ones, in the order they finished,
  // while the others wait in `running`.
  const pending = new Deque<Future<unknown>>();
  const running = new Set<Future<unknown>>();
  let wake: Future<void> | undefined;
  const onDone = (future: Future<unknown>): void => {
    running.delete(future);
    pending.push(future);
    const waiting = wake;
    wake = undefined;
    if (waiting !== undefined && !waiting.done()) waiting.setResult(undefined);
  };
  let exhausted = false;

  const fill = async (): Promise<void> => {
    while (!exhausted && pending.length + running.size < buffersize) {
      signal?.throwIfAborted(); // an abort stops the reading, even while results are ready
      let future: Future<unknown>;
      if (chunksize === 1) {
        const step = await iterator.next();
        if (step.done) {
          exhausted = true;
          return;
        }
        future = executor.submit(task, step.value);
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
        if (chunk.length === 0) return;
        future = executor._submitChunk(task, chunk);
      }
      if (ordered) pending.push(future);
      else {
        running.add(future);
        future.addDoneCallback(onDone);
      }
    }
  };

  /** Waits for `future` within the deadline; a timeout fails the whole map. */
  const settled = async (future: Future<unknown>): Promise<unknown> => {
    const remaining = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
    try {
      return await future.result({ timeout: remaining, signal });
    } catch (error) {
      future.cancel();
      if (error instanceof TimeoutError) {
        const left = pending.length + running.size + (ordered ? 1 : 0);
        throw new TimeoutError(`${name}() timed out: ${left} result(s) not ready`, { cause: error });
      }
      throw error;
    }
  };

  try {
    signal?.throwIfAborted();
    await fill();
    while (pending.length > 0 || running.size > 0) {
      signal?.throwIfAborted();
      if (pending.length === 0) {
        wake = new Future<void>();
        await settled(wake); // the next one to finish
        continue;
      }
      const value = await settled(pending.shift()!);
      await fill();
      if (chunksize === 1) {
        yield value as R;
      } else {
        for (const item of value as R[]) yield item;
      }
    }
  } finally {
    wake = undefined;
    for (const future of pending.drain()) future.cancel();
    for (const future of running) future.cancel();
    if (!exhausted) await iterator.return?.();
  }
}
