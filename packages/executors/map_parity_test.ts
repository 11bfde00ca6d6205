// Cases translated from the suites users compare cc with (issue 17): CPython's
// Lib/test/test_concurrent_futures/{executor.py,test_shutdown.py} and piscina's test/task-queue.ts.
// Each runs over real worker threads.
import { InvalidStateError, QueueFullError, TimeoutError, task } from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "./mod.ts";
import type * as T from "./testdata/map_parity_tasks.ts";

const tasks = new URL("./testdata/map_parity_tasks.ts", import.meta.url);
const divide = task<typeof T.divide>(tasks, "divide");
const divmod = task<typeof T.divmod>(tasks, "divmod");
const divideLater = task<typeof T.divideLater>(tasks, "divideLater");
const pow = task<typeof T.pow>(tasks, "pow");
const abs = task<typeof T.abs>(tasks, "abs");
const count = task<typeof T.count>(tasks, "count");
const ownTimeout = task<typeof T.ownTimeout>(tasks, "ownTimeout");
const held = task<typeof T.held>(tasks, "held");

const pools: ThreadPoolExecutor[] = [];
function pool(options: ThreadPoolExecutorOptions = {}): ThreadPoolExecutor {
  const p = new ThreadPoolExecutor(options);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdown({ wait: true, cancelFutures: true })));
});

/** A counter in shared memory, and an endless input of it that records how many items were read. */
function counted() {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const input = { read: 0 };
  function* endless(): Generator<Int32Array> {
    for (;;) {
      input.read++;
      yield counter;
    }
  }
  return { counter, input, endless };
}

async function collect<R>(it: AsyncIterable<R>): Promise<{ out: R[]; error: unknown }> {
  const out: R[] = [];
  try {
    for await (const y of it) out.push(y);
  } catch (error) {
    return { out, error };
  }
  return { out, error: undefined };
}

describe("map() submits when called (issue 17, item 3)", () => {
  // executor.py::ExecutorTest.test_map_submits_without_iteration
  it("runs every item of a map never iterated, within buffersize, before shutdown({ wait: true }) returns", async () => {
    const executor = pool({ maxWorkers: 2 });
    const { counter } = counted();
    executor.map(
      count,
      Array.from({ length: 10 }, () => counter),
      { buffersize: 10 },
    );
    await executor.shutdown({ wait: true });
    expect(Atomics.load(counter, 0)).toBe(10);
  });

  // the same without buffersize: the adaptive read-ahead's first window (2 per worker, at least 4)
  it("with default options, submits its first window when called, and does not drain an endless input", async () => {
    const executor = pool({ maxWorkers: 2 });
    const { counter, input, endless } = counted();
    executor.map(count, endless());
    expect(input.read).toBe(4); // read by the call itself, synchronously
    await executor.shutdown({ wait: true });
    expect(Atomics.load(counter, 0)).toBe(4);
    expect(input.read).toBe(4);
  });

  // executor.py::ExecutorTest.test_map_buffersize_when_buffer_is_full
  it("reads only buffersize items of the input before iteration", async () => {
    const executor = pool({ maxWorkers: 2 });
    const ints = [0, 1, 2, 3][Symbol.iterator]();
    executor.map(abs, { [Symbol.iterator]: () => ints }, { buffersize: 2 });
    await executor.shutdown({ wait: true });
    expect(ints.next().value).toBe(2);
  });

  // test_shutdown.py::ThreadPoolShutdownTest.test_shutdown_no_wait
  it("a map made before shutdown({ wait: false }) yields every result it submitted", async () => {
    const executor = pool({ maxWorkers: 5 });
    const inputs = Array.from({ length: 10 }, (_, i) => i - 5);
    const results = executor.map(abs, inputs);
    await executor.shutdown({ wait: false });
    const { out, error } = await collect(results);
    expect(error).toBeUndefined();
    expect(out).toEqual(inputs.map((x) => Math.abs(x)));
  });

  // beyond its first window, such a map raises InvalidStateError where it would have submitted more,
  // after the results it did submit (Python's map with buffersize does the same)
  it("a longer map made before shutdown yields what it submitted, then raises InvalidStateError", async () => {
    const executor = pool({ maxWorkers: 1 });
    const results = executor.map(abs, [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10], { buffersize: 3 });
    await executor.shutdown({ wait: false });
    const { out, error } = await collect(results);
    expect(out).toEqual([1, 2, 3]);
    expect(error).toBeInstanceOf(InvalidStateError);
  });
});

describe("map() and a task's own TimeoutError (issue 17, item 4)", () => {
  // executor.py::ExecutorTest.test_map_timeout_from_callable: "A TimeoutError from the callable is not
  // the map() timeout, whether or not a map() timeout is set"
  it("raises the task's TimeoutError as is when map has no timeout", async () => {
    const executor = pool({ maxWorkers: 2 });
    const { out, error } = await collect(executor.map(ownTimeout, ["first", "second"]));
    expect(out).toEqual([]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe("first: the task's own deadline passed");
  });

  it("raises the task's TimeoutError as is under map's own timeout too", async () => {
    const executor = pool({ maxWorkers: 2 });
    const { error } = await collect(executor.map(ownTimeout, ["first"], { timeout: 60_000 }));
    expect((error as Error).message).toBe("first: the task's own deadline passed");
  });
});

describe("map() with chunksize, an item failing (issue 17, item 5)", () => {
  // executor.py::ExecutorTest.test_map_exception with chunksize (Python's thread pool ignores chunksize;
  // cc keeps the chunk and still yields the results before the failing item)
  it("yields the results before the failing item of a chunk, then raises its error", async () => {
    const executor = pool({ maxWorkers: 2 });
    const { out, error } = await collect(executor.map(divide, [5, 5, 5], [2, 0, 3], { chunksize: 3 }));
    expect(out).toEqual([2]);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("division by zero");
    expect(Object.keys(error as Error)).toEqual([]); // nothing of the chunk's bookkeeping left on it
  });

  // executor.py::ExecutorTest.test_map_exception, its chunksize=3 case as far as a generator goes
  it("map(divmod, [5, 5, 5, 5], [2, 0, 3, 5], chunksize 3) yields [2, 1], then raises", async () => {
    const executor = pool({ maxWorkers: 2 });
    const { out, error } = await collect(executor.map(divmod, [5, 5, 5, 5], [2, 0, 3, 5], { chunksize: 3 }));
    expect(out).toEqual([[2, 1]]);
    expect(error).toBeInstanceOf(RangeError);
  });

  it("does the same for an async task, whose chunk awaits each item before the next", async () => {
    const executor = pool({ maxWorkers: 1 });
    const { out, error } = await collect(executor.map(divideLater, [6, 6, 6, 6], [1, 2, 0, 3], { chunksize: 4 }));
    expect(out).toEqual([6, 3]);
    expect((error as Error).message).toBe("division by zero");
  });

  it("yields the earlier chunks and the start of the failing one, in order", async () => {
    const executor = pool({ maxWorkers: 2 });
    const divisors = [1, 2, 3, 4, 5, 0, 7];
    const { out, error } = await collect(
      executor.map(
        divide,
        divisors.map(() => 60),
        divisors,
        { chunksize: 2 },
      ),
    );
    expect(out).toEqual([60, 30, 20, 15, 12]);
    expect((error as Error).message).toBe("division by zero");
  });
});

describe("maxQueue and tasks about to start (issue 17, item 7)", () => {
  // piscina test/task-queue.ts "will reject items over task queue limit": maxThreads 1, maxQueue 2
  it("an idle pool with maxWorkers 1, maxQueue 2 takes three synchronous submits; the fourth throws", async () => {
    const executor = pool({ maxWorkers: 1, maxQueue: 2 });
    const latch = new Int32Array(new SharedArrayBuffer(4));
    const futures = [1, 2, 3].map((x) => executor.submit(held, latch, x));
    expect(() => executor.submit(held, latch, 4)).toThrow(QueueFullError);
    Atomics.store(latch, 0, 1);
    Atomics.notify(latch, 0);
    expect(await Promise.all(futures)).toEqual([1, 2, 3]);
  });

  it("counts a busy worker's slot as taken: with one task running, two more fit, not three", async () => {
    const executor = pool({ maxWorkers: 1, maxQueue: 2 });
    const latch = new Int32Array(new SharedArrayBuffer(4));
    const first = executor.submit(held, latch, 1);
    // dispatched: the pool marks the future running when it hands the task to the worker
    await vi.waitFor(() => expect(first.running()).toBe(true), { timeout: 30_000, interval: 1 });
    const more = [2, 3].map((x) => executor.submit(held, latch, x));
    expect(() => executor.submit(held, latch, 4)).toThrow(QueueFullError);
    Atomics.store(latch, 0, 1);
    Atomics.notify(latch, 0);
    expect(await Promise.all([first, ...more])).toEqual([1, 2, 3]);
  });
});

describe("map() over several iterables (issue 17)", () => {
  // executor.py::ExecutorTest.test_map
  it("calls task(a, b) with one item of each, like Python's map(pow, range(10), range(10))", async () => {
    const executor = pool({ maxWorkers: 2 });
    const range = Array.from({ length: 10 }, (_, i) => i);
    const { out } = await collect(executor.map(pow, range, range));
    expect(out).toEqual(range.map((i) => i ** i));
  });

  // executor.py::ExecutorTest.test_map_exception
  it("raises an item's error at its own place, after the results before it", async () => {
    const executor = pool({ maxWorkers: 2 });
    const { out, error } = await collect(executor.map(divmod, [1, 1, 1, 1], [2, 3, 0, 5]));
    expect(out).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(error).toBeInstanceOf(RangeError);
  });

  it("stops at the shortest input, closes the others, and mixes sync and async inputs", async () => {
    const executor = pool({ maxWorkers: 2 });
    let closed = false;
    function* bases() {
      try {
        for (let i = 1; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    async function* exponents() {
      yield 2;
      yield 3;
      yield 0;
    }
    const { out } = await collect(executor.map(pow, bases(), exponents(), { buffersize: 2 }));
    expect(out).toEqual([1, 8, 1]);
    expect(closed).toBe(true);
  });

  // executor.py::ExecutorTest.test_map_buffersize_without_iterable (Python 3.14)
  it("yields nothing without any iterable, options or not", async () => {
    const executor = pool({ maxWorkers: 1 });
    const noArgs = task<() => number>(tasks, "noArgs");
    expect((await collect(executor.map(noArgs))).out).toEqual([]);
    expect((await collect(executor.map(noArgs, { buffersize: 2 }))).out).toEqual([]);
    expect(executor.stats().completed).toBe(0);
  });

  it("takes its options last, as an object that is not iterable; anything else not iterable is refused by name", () => {
    const executor = pool({ maxWorkers: 1 });
    expect(() => executor.map(pow, [1], [2], { chunksize: 0 })).toThrow(RangeError);
    // @ts-expect-error: a number is neither an input nor options
    expect(() => executor.map(pow, [1], 2)).toThrow("argument 3 is number");
    class Options {
      chunksize = 0;
    }
    // any object that is not iterable is taken for the options, an instance of a class too
    expect(() => executor.map(pow, [1], [2], new Options())).toThrow("chunksize must be an integer ≥ 1, got 0");
    // @ts-expect-error: an object in the middle is no input
    expect(() => executor.map(pow, [1], {}, [2])).toThrow(
      "argument 3 is object that is not iterable (the options go last)",
    );
    // the types follow the task's parameters, one input per parameter (checked by tsc, never run)
    const typed = () => {
      // @ts-expect-error: pow's second parameter is a number, not a string
      executor.map(pow, [1], ["2"]);
      // @ts-expect-error: pow takes two parameters, not three
      executor.map(pow, [1], [2], [3]);
      const ok: AsyncIterableIterator<number> = executor.map(pow, [1], [2], { chunksize: 2 });
      return ok;
    };
    expect(typeof typed).toBe("function");
  });
});
