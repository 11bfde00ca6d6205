// DistributedExecutor.map: Python's `map(fn, *iterables)` semantics. It submits when called (not at the
// first `next()`), reads the inputs lazily with at most `buffersize` jobs in flight, yields results in
// input order, `chunksize` items per job. A failing item of a chunk, or a failing input, raises at its
// own place: the results before it are yielded first.
import type { MapOptions } from "@cc/executors";
import type { Future } from "@cc/futures";
import { decodeThrown } from "./_codec.ts";

/** Jobs in flight when `buffersize` is not given. */
export const DEFAULT_BUFFERSIZE = 256;

/** What a chunk whose item `results.length` threw returns (the error encoded, so it crosses any boundary). */
export interface ChunkFailure {
  readonly $ccChunkFailed: 1;
  readonly results: unknown[];
  readonly error: unknown;
}

/** True if a chunk's result says that one of its items threw. */
export function isChunkFailure(value: unknown): value is ChunkFailure {
  return typeof value === "object" && value !== null && (value as ChunkFailure).$ccChunkFailed === 1;
}

type Slot = { readonly future: Future<unknown>; readonly chunk: boolean } | { readonly error: unknown };

function count(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}

function isIterable(value: unknown): boolean {
  return (
    (typeof value === "object" || typeof value === "string") &&
    value !== null &&
    (typeof (value as Iterable<unknown>)[Symbol.iterator] === "function" ||
      typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function")
  );
}

/** Splits `map`'s rest arguments into iterables and options, and checks them. */
function parse(rest: unknown[]): { iterables: unknown[]; options: MapOptions } {
  const last = rest.at(-1);
  const hasOptions = rest.length > 1 && typeof last === "object" && last !== null && !isIterable(last);
  const options = (hasOptions ? last : {}) as MapOptions;
  const iterables = hasOptions ? rest.slice(0, -1) : rest;
  if (iterables.length === 0) throw new TypeError("map() needs at least one iterable");
  iterables.forEach((it, i) => {
    if (!isIterable(it)) throw new TypeError(`map() needs iterables or async iterables, argument ${i + 2} is not one`);
  });
  return { iterables, options };
}

/** Runs a map over `submitOne` (one item per job) or `submitChunk` (a chunk of argument lists per job). */
export function runMap<R>(
  submitOne: (args: unknown[]) => Future<unknown>,
  submitChunk: (chunk: unknown[][]) => Future<unknown>,
  rest: unknown[],
): AsyncIterableIterator<R> {
  const { iterables, options } = parse(rest);
  const chunksize = options.chunksize === undefined ? 1 : count("chunksize", options.chunksize);
  const buffersize = options.buffersize === undefined ? DEFAULT_BUFFERSIZE : count("buffersize", options.buffersize);
  const { timeout, signal } = options;
  if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("signal must be an AbortSignal");
  const deadline = timeout === undefined ? undefined : performance.now() + Math.max(0, timeout);
  const iterators = iterables.map((it) =>
    typeof (it as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
      ? (it as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (it as Iterable<unknown>)[Symbol.iterator](),
  );
  const filler = new Filler(submitOne, submitChunk, iterators, chunksize, buffersize);
  filler.run(); // submits now, as Python's map does
  const generator = consume<R>(filler, deadline, signal);
  // by hand, not the generator itself: return() before the first next() must still cancel the jobs
  const iterator: AsyncIterableIterator<R> = {
    next: () => generator.next(),
    async return(value?: unknown) {
      await filler.close();
      return generator.return(value as undefined);
    },
    throw: (error?: unknown) => generator.throw(error),
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

class Filler {
  readonly slots: Slot[] = [];
  exhausted = false;
  closed = false;
  #wakeFiller: (() => void) | undefined;
  #wakeConsumer: (() => void) | undefined;

  constructor(
    readonly submitOne: (args: unknown[]) => Future<unknown>,
    readonly submitChunk: (chunk: unknown[][]) => Future<unknown>,
    readonly iterators: (Iterator<unknown> | AsyncIterator<unknown>)[],
    readonly chunksize: number,
    readonly buffersize: number,
  ) {}

  async run(): Promise<void> {
    try {
      while (!this.closed && !this.exhausted) {
        if (this.slots.length >= this.buffersize) {
          await new Promise<void>((resolve) => {
            this.#wakeFiller = resolve;
          });
          continue;
        }
        const items: unknown[][] = [];
        while (items.length < this.chunksize) {
          const args = await this.#nextArgs();
          if (args === undefined) break;
          items.push(args);
        }
        if (this.closed) return;
        if (items.length > 0) {
          if (this.chunksize === 1) this.slots.push({ future: this.submitOne(items[0]!), chunk: false });
          else this.slots.push({ future: this.submitChunk(items), chunk: true });
        }
        this.#notify();
      }
    } catch (error) {
      this.exhausted = true;
      this.slots.push({ error });
    }
    this.#notify();
  }

  /** The next argument list (one item of each iterable), or undefined once the shortest is exhausted. */
  async #nextArgs(): Promise<unknown[] | undefined> {
    const args: unknown[] = [];
    for (const it of this.iterators) {
      const r = await it.next();
      if (r.done) {
        this.exhausted = true;
        return undefined;
      }
      args.push(r.value);
    }
    return args;
  }

  #notify(): void {
    const wake = this.#wakeConsumer;
    this.#wakeConsumer = undefined;
    wake?.();
  }

  /** The next slot, waiting for the filler; undefined at the end. */
  async take(): Promise<Slot | undefined> {
    while (this.slots.length === 0) {
      if (this.exhausted || this.closed) return undefined;
      await new Promise<void>((resolve) => {
        this.#wakeConsumer = resolve;
      });
    }
    const slot = this.slots.shift()!;
    const wake = this.#wakeFiller;
    this.#wakeFiller = undefined;
    wake?.();
    return slot;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) if ("future" in slot) slot.future.cancel();
    this.slots.length = 0;
    this.#wakeFiller?.();
    if (!this.exhausted) await Promise.all(this.iterators.map((it) => it.return?.())).catch(() => {});
  }
}

async function* consume<R>(
  filler: Filler,
  deadline: number | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<R, void, undefined> {
  try {
    for (;;) {
      signal?.throwIfAborted();
      const slot = await filler.take();
      if (slot === undefined) return;
      if ("error" in slot) throw slot.error;
      const value =
        deadline === undefined && signal === undefined
          ? await slot.future
          : await slot.future.result({
              timeout: deadline === undefined ? undefined : Math.max(0, deadline - performance.now()),
              signal,
            });
      if (!slot.chunk) {
        yield value as R;
      } else if (isChunkFailure(value)) {
        for (const v of value.results) yield v as R;
        throw decodeThrown(value.error);
      } else {
        for (const v of value as R[]) yield v;
      }
    }
  } finally {
    await filler.close();
  }
}
