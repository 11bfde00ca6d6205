import { type Task, TimeoutError } from "@cc/core";
import { Future } from "@cc/futures";
import { describe, expect, it } from "vitest";
import { type ChunkSubmitter, MAX_AHEAD_PER_WORKER, ReadAhead, runMap } from "./_map.ts";

/** An executor whose futures the test settles by hand. */
function handExecutor() {
  const submitted: { arg: unknown; future: Future<unknown> }[] = [];
  const executor: ChunkSubmitter = {
    submit(_task: Task, ...args: unknown[]) {
      const future = new Future<unknown>();
      submitted.push({ arg: args[0], future });
      return future;
    },
    _submitChunk<R>(_task: Task, chunk: unknown[][]) {
      const future = new Future<R[]>();
      submitted.push({ arg: chunk.map((a) => a[0]), future: future as Future<unknown> });
      return future;
    },
  };
  return { executor, submitted };
}

const task = { url: "file:///tasks.js", name: "double" } as Task;
const turns = () => new Promise((resolve) => setImmediate(resolve));

/** An input that records what was read and whether it was closed. */
function recordingInput(n: number) {
  const state = { created: 0, read: 0, closed: false };
  const iterable: Iterable<number> = {
    [Symbol.iterator]() {
      state.created++;
      let i = 0;
      return {
        next: () => {
          if (i >= n) return { value: undefined, done: true };
          state.read++;
          return { value: i++, done: false };
        },
        return: () => {
          state.closed = true;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { iterable, state };
}

describe("runMap(), unordered", () => {
  it("yields in completion order, keeping at most buffersize in flight", async () => {
    const { executor, submitted } = handExecutor();
    const it = runMap<number, number>(executor, task, [1, 2, 3, 4, 5], { buffersize: 3 }, 1, false);
    const first = it.next();
    await turns();
    expect(submitted.map((s) => s.arg)).toEqual([1, 2, 3]);
    submitted[2]!.future.setResult(30);
    expect(await first).toEqual({ value: 30, done: false });
    await turns();
    expect(submitted).toHaveLength(4); // one finished, one more read
    submitted[0]!.future.setResult(10);
    expect((await it.next()).value).toBe(10);
    for (const s of submitted.slice(1)) if (!s.future.done()) s.future.setResult((s.arg as number) * 10);
    const rest: number[] = [];
    for (;;) {
      await turns();
      for (const s of submitted) if (!s.future.done()) s.future.setResult((s.arg as number) * 10);
      const step = await it.next();
      if (step.done) break;
      rest.push(step.value);
    }
    expect(rest.sort()).toEqual([20, 40, 50]);
  });

  it("a timeout while waiting for the next to finish fails the loop, cancels the rest, closes the input", async () => {
    const { executor, submitted } = handExecutor();
    const { iterable, state } = recordingInput(100);
    const it = runMap<number, number>(executor, task, iterable, { timeout: 20, buffersize: 2 }, 1, false);
    const error = await it.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/^imapUnordered\(\) timed out/);
    expect(submitted.every((s) => s.future.cancelled())).toBe(true);
    expect(state.closed).toBe(true);
  });

  it("an abort while waiting rejects with the reason; a late result is ignored", async () => {
    const { executor, submitted } = handExecutor();
    const controller = new AbortController();
    const it = runMap<number, number>(executor, task, [1, 2], { signal: controller.signal }, 1, false);
    const next = it.next();
    await turns();
    controller.abort(new Error("stop"));
    await expect(next).rejects.toThrow("stop");
    expect(submitted.every((s) => s.future.cancelled())).toBe(true);
  });
});

describe("runMap()", () => {
  // CPython executor.py::ExecutorTest.test_map_buffersize_when_buffer_is_full (issue 17, item 3)
  it("submits its first calls when called, before any next(); closed first, it cancels them and closes the input", async () => {
    const { executor, submitted } = handExecutor();
    const { iterable, state } = recordingInput(10);
    const it = runMap<number, number>(executor, task, iterable, { buffersize: 2 }, 1);
    expect(submitted.map((s) => s.arg)).toEqual([0, 1]); // synchronously, by the call
    expect(state.read).toBe(2);
    await it.return?.();
    expect(submitted.every((s) => s.future.cancelled())).toBe(true);
    expect(state.closed).toBe(true);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it("does not start reading an input whose signal is already aborted", async () => {
    const { executor, submitted } = handExecutor();
    const { iterable } = recordingInput(10);
    const it = runMap<number, number>(executor, task, iterable, { signal: AbortSignal.abort(new Error("early")) }, 1);
    expect(submitted).toEqual([]);
    await expect(it.next()).rejects.toThrow("early");
  });

  it("stops reading the input once its signal aborts, even with results ready", async () => {
    const { executor, submitted } = handExecutor();
    const controller = new AbortController();
    const { iterable, state } = recordingInput(1000);
    const it = runMap<number, number>(executor, task, iterable, { signal: controller.signal, buffersize: 2 }, 1);
    const first = it.next();
    await turns();
    for (const s of submitted) s.future.setResult(0);
    expect((await first).value).toBe(0);
    controller.abort(new Error("stop"));
    const read = state.read;
    await expect(it.next()).rejects.toThrow("stop");
    expect(state.read).toBe(read);
    expect(state.closed).toBe(true);
  });
});

describe("ReadAhead", () => {
  it("doubles while results come fast, up to its cap, and drops to its floor when they turn slow", () => {
    const ahead = new ReadAhead(4, 2048);
    expect(ahead.target).toBe(4);
    let t = 0;
    ahead.update(t); // opens the first epoch
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      ahead.done(1000); // 1,000 results in 1 ms: 4 ms of them is 4,000 items, more than the cap
      ahead.update((t += 1));
      seen.push(ahead.target);
    }
    expect(seen).toEqual([8, 16, 32, 64, 128, 256, 512, 1024, 2048, 2048, 2048, 2048]);
    ahead.done(1); // one result in 100 ms: 4 ms of work is less than one item
    ahead.update((t += 100));
    expect(ahead.target).toBe(4);
  });

  it("waits for an epoch of at least 1 ms with results in it", () => {
    const ahead = new ReadAhead(4, 2048);
    ahead.update(0);
    ahead.done(500);
    ahead.update(0.5);
    expect(ahead.target).toBe(4); // too short to tell
    ahead.update(1.5);
    expect(ahead.target).toBe(8); // 500 results in 1.5 ms: grows, by at most 2×
    ahead.update(10);
    expect(ahead.target).toBe(8); // no result in that epoch: nothing learnt
  });
});

describe("runMap() with default options", () => {
  /** A map whose clock the test moves; frozen at 0 unless told. */
  function mapOf<T>(executor: ChunkSubmitter, input: Iterable<T> | AsyncIterable<T>, maxWorkers = 2) {
    const clock = { t: 0 };
    const it = runMap<T, number>(executor, task, input, {}, maxWorkers, true, () => clock.t);
    return { it, clock };
  }

  it("reads 2 items per worker before any result, and refills once half of them are consumed", async () => {
    const { executor, submitted } = handExecutor();
    const { iterable, state } = recordingInput(100);
    const { it } = mapOf(executor, iterable);
    const first = it.next();
    await turns();
    expect(submitted.map((s) => s.arg)).toEqual([0, 1, 2, 3]); // one call per item
    submitted[0]!.future.setResult(0);
    expect(await first).toEqual({ value: 0, done: false });
    expect(state.read).toBe(4); // 3 still in flight: no refill yet
    submitted[1]!.future.setResult(10);
    expect(await it.next()).toEqual({ value: 10, done: false });
    expect(submitted.map((s) => s.arg)).toEqual([0, 1, 2, 3, 4, 5]); // back to 4, in one go
    await it.return?.();
    expect(submitted.slice(2).every((s) => s.future.cancelled())).toBe(true);
    expect(state.closed).toBe(true);
  });

  it("yields in input order whatever order the calls finish in", async () => {
    const { executor, submitted } = handExecutor();
    const { it } = mapOf(executor, recordingInput(50).iterable);
    const out: number[] = [];
    let step = it.next();
    for (;;) {
      await turns();
      // finish the calls newest first
      for (let i = submitted.length - 1; i >= 0; i--) {
        const s = submitted[i]!;
        if (!s.future.done()) s.future.setResult((s.arg as number) * 10);
      }
      const r = await step;
      if (r.done) break;
      out.push(r.value);
      step = it.next();
    }
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 10));
  });

  it("raises a call's error at its own item, after the results before it; cancels the rest, closes the input", async () => {
    const { executor, submitted } = handExecutor();
    const { iterable, state } = recordingInput(100);
    const { it } = mapOf(executor, iterable);
    const out: number[] = [];
    const run = async () => {
      for await (const y of it) {
        out.push(y);
        await turns();
        for (const s of submitted) {
          if (s.future.done()) continue;
          if (s.arg === 7) s.future.setException(new RangeError("item 7"));
          else s.future.setResult((s.arg as number) * 10);
        }
      }
    };
    const started = run();
    await turns();
    for (const s of submitted.slice(0, 4)) s.future.setResult((s.arg as number) * 10);
    await expect(started).rejects.toThrow("item 7");
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(submitted.filter((s) => !s.future.done())).toEqual([]); // finished or cancelled
    expect(state.closed).toBe(true);
  });

  it("grows the read-ahead while results come fast, and never reads more than 1,024 items per worker ahead", async () => {
    const { executor, submitted } = handExecutor();
    let pulled = 0;
    let closed = false;
    function* naturals() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const { it, clock } = mapOf(executor, naturals());
    let settledUpTo = 0;
    let mostAhead = 0;
    for (let consumed = 0; consumed < 20_000; consumed++) {
      const step = it.next();
      await turns();
      for (; settledUpTo < submitted.length; settledUpTo++) submitted[settledUpTo]!.future.setResult(0);
      await step;
      clock.t += 0.001; // a result per µs: tiny tasks
      mostAhead = Math.max(mostAhead, pulled - consumed - 1);
    }
    expect(mostAhead).toBeLessThanOrEqual(MAX_AHEAD_PER_WORKER * 2);
    expect(mostAhead).toBeGreaterThan(MAX_AHEAD_PER_WORKER); // it did grow
    await it.return?.();
    expect(closed).toBe(true);
  });

  it("keeps no more calls in flight than the pool's maxQueue", async () => {
    const { executor, submitted } = handExecutor();
    const it = runMap<number, number>(executor, task, recordingInput(100).iterable, {}, 4, true, () => 0, 3);
    const first = it.next();
    await turns();
    expect(submitted).toHaveLength(3); // 2 per worker would be 8
    submitted[0]!.future.setResult(0);
    await first;
    await it.return?.();
  });

  it("honours an explicit chunksize as given", async () => {
    const { executor, submitted } = handExecutor();
    const it = runMap<number, number>(executor, task, recordingInput(10).iterable, { chunksize: 3 }, 2);
    const first = it.next();
    await turns();
    expect(submitted.map((s) => s.arg)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    for (const s of submitted) s.future.setResult((s.arg as number[]).map((x) => x * 10));
    const out = [(await first).value];
    for await (const y of it) out.push(y);
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it("honours an explicit chunksize over an async input too: whole chunks, a short one only at the end", async () => {
    const { executor, submitted } = handExecutor();
    async function* input() {
      for (let i = 0; i < 10; i++) yield i;
    }
    const it = runMap<number, number>(executor, task, input(), { chunksize: 3 }, 2, true, () => 0);
    const out: number[] = [];
    let step = it.next();
    for (;;) {
      await turns();
      for (const s of submitted) if (!s.future.done()) s.future.setResult((s.arg as number[]).map((x) => x * 10));
      const r = await step;
      if (r.done) break;
      out.push(r.value);
      step = it.next();
    }
    expect(submitted.map((s) => s.arg)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it("reads an async input in groups submitted together", async () => {
    const { executor, submitted } = handExecutor();
    async function* input() {
      for (let i = 0; i < 30; i++) yield i;
    }
    const { it } = mapOf(executor, input());
    const out: number[] = [];
    let step = it.next();
    for (;;) {
      await turns();
      for (const s of submitted) if (!s.future.done()) s.future.setResult((s.arg as number) + 1);
      const r = await step;
      if (r.done) break;
      out.push(r.value);
      step = it.next();
    }
    expect(out).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});

/** An input that yields `0 … n-1`, then throws (CPython's `exception_throwing_generator(total, when)`). */
function* throwingInput(total: number, when: number): Generator<number> {
  for (let i = 0; i < total; i++) {
    if (i === when) throw new RangeError(`input failed at ${i}`);
    yield i;
  }
}

describe("runMap() and an input that throws (issue 17, item 6)", () => {
  /** Settles every call with its items times 10, and collects the map until it ends or fails. */
  async function drain(it: AsyncIterableIterator<number>, submitted: ReturnType<typeof handExecutor>["submitted"]) {
    const out: number[] = [];
    for (;;) {
      const step = it.next();
      step.catch(() => {}); // awaited below
      await turns();
      for (const s of submitted) {
        if (s.future.done()) continue;
        s.future.setResult(Array.isArray(s.arg) ? s.arg.map((x) => x * 10) : (s.arg as number) * 10);
      }
      try {
        const r = await step;
        if (r.done) return { out, error: undefined };
        out.push(r.value);
      } catch (error) {
        return { out, error };
      }
    }
  }

  // CPython _test_multiprocessing.py::_TestPool.test_imap_handle_iterable_exception
  it("yields the results of the items read before the error, then raises it", async () => {
    for (const ordered of [true, false]) {
      const { executor, submitted } = handExecutor();
      const it = runMap<number, number>(executor, task, throwingInput(10, 3), { buffersize: 2 }, 1, ordered);
      const { out, error } = await drain(it, submitted);
      expect(out.sort()).toEqual([0, 10, 20]);
      expect(error).toBeInstanceOf(RangeError);
    }
  });

  it("raises an error at the input's first item on the first next()", async () => {
    const { executor, submitted } = handExecutor();
    const it = runMap<number, number>(executor, task, throwingInput(1, 0), {}, 1);
    const { out, error } = await drain(it, submitted);
    expect(out).toEqual([]);
    expect((error as Error).message).toBe("input failed at 0");
    expect(submitted).toEqual([]);
  });

  // the same upstream test: with chunksize, the chunk being read when the input failed is dropped
  it("with chunksize, yields the whole chunks read before the error (chunksize 2: 6 of 7 items; 4: 4)", async () => {
    for (const [chunksize, expected] of [
      [2, 6],
      [4, 4],
    ] as const) {
      const { executor, submitted } = handExecutor();
      const it = runMap<number, number>(executor, task, throwingInput(20, 7), { chunksize }, 1);
      const { out, error } = await drain(it, submitted);
      expect(out).toEqual(Array.from({ length: expected }, (_, i) => i * 10));
      expect(error).toBeInstanceOf(RangeError);
    }
  });

  it("does the same for an async input", async () => {
    const { executor, submitted } = handExecutor();
    async function* input() {
      yield* throwingInput(10, 5);
    }
    const { out, error } = await drain(runMap<number, number>(executor, task, input(), {}, 1), submitted);
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(error).toBeInstanceOf(RangeError);
  });
});

describe("runMap() with a chunk failing at one of its items (issue 17, item 5)", () => {
  it("yields the chunk's results before the failing item, then raises the error", async () => {
    const { executor, submitted } = handExecutor();
    const it = runMap<number, number>(executor, task, [1, 2, 3, 4, 5, 6], { chunksize: 3 }, 1);
    const out: number[] = [];
    const run = (async () => {
      for await (const y of it) out.push(y);
    })();
    await turns();
    submitted[0]!.future.setResult([10, 20, 30]);
    const failed = submitted[1]!.future as Future<unknown> & { partial?: unknown[] };
    failed.partial = [40];
    failed.setException(new RangeError("item 5"));
    await expect(run).rejects.toThrow("item 5");
    expect(out).toEqual([10, 20, 30, 40]);
  });
});

describe("runMap() with spread (several iterables, istarmap)", () => {
  it("calls the task with each argument list, and refuses an item that is not one, after the results before it", async () => {
    const submittedArgs: unknown[][] = [];
    const executor: ChunkSubmitter = {
      submit(_task: Task, ...args: unknown[]) {
        submittedArgs.push(args);
        const future = new Future<unknown>();
        future.setResult((args as number[]).reduce((a, b) => a + b, 0));
        return future;
      },
      _submitChunk<R>(): Future<R[]> {
        throw new Error("no chunks here");
      },
    };
    const input: unknown[] = [[1, 2], [3, 4, 5], 6];
    const it = runMap<unknown, number>(executor, task, input, {}, 1, true, undefined, undefined, true, "istarmap");
    const out: number[] = [];
    await expect(
      (async () => {
        for await (const y of it) out.push(y);
      })(),
    ).rejects.toThrow("istarmap() needs argument lists: item 2 is number");
    expect(submittedArgs).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(out).toEqual([3, 12]);
  });
});
