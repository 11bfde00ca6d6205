import { task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";
import { afterEach, describe, expect, it } from "vitest";
import { Event, JoinableQueue, Pool, Process, ProcessPoolExecutor, Queue, QueueEmpty, QueueFull } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const produce = task<typeof T.produce>(tasks, "produce");
const consume = task<typeof T.consume>(tasks, "consume");
const squareWorker = task<typeof T.squareWorker>(tasks, "squareWorker");
const abortedGet = task<typeof T.abortedGet>(tasks, "abortedGet");
const putFunction = task<typeof T.putFunction>(tasks, "putFunction");
const keepQueue = task<typeof T.keepQueue>(tasks, "keepQueue");
const putSquare = task<typeof T.putSquare>(tasks, "putSquare");

const started: Process[] = [];
function start<P extends Process>(p: P): P {
  p.start();
  started.push(p);
  return p;
}
afterEach(async () => {
  for (const p of started.splice(0)) {
    p.kill();
    await p.join();
  }
});

describe("Queue", () => {
  it("put()/get() are FIFO; getNowait/putNowait throw QueueEmpty/QueueFull (test_queue.test_put, test_get)", async () => {
    const q = new Queue<number>({ maxsize: 2 });
    await expect(q.getNowait()).rejects.toBeInstanceOf(QueueEmpty);
    await q.put(1);
    await q.putNowait(2);
    expect(await q.full()).toBe(true);
    expect(await q.qsize()).toBe(2);
    await expect(q.putNowait(3)).rejects.toBeInstanceOf(QueueFull);
    await expect(q.put(3, { timeout: 10 })).rejects.toBeInstanceOf(QueueFull);
    const blocked = q.put(3); // waits for room
    expect(await q.get()).toBe(1);
    await blocked;
    expect([await q.get(), await q.get()]).toEqual([2, 3]);
    expect(await q.empty()).toBe(true);
    await expect(q.get({ timeout: 10 })).rejects.toBeInstanceOf(QueueEmpty);
  });

  it("copies items: an object changed after put() is not changed in the queue", async () => {
    const q = new Queue<{ n: number }>();
    const item = { n: 1 };
    await q.put(item);
    item.n = 2;
    expect(await q.get()).toEqual({ n: 1 });
    await expect(q.put((() => {}) as never)).rejects.toThrow(TypeError);
  });

  it("get() with an aborted signal rejects with its reason and takes nothing", async () => {
    const q = new Queue<number>();
    const controller = new AbortController();
    const getting = q.get({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(getting).rejects.toThrow("stop");
    await q.put(5);
    expect(await q.get()).toBe(5); // the aborted get took nothing
  });

  it("a child's put() of what cannot be copied rejects with TypeError there, and sends nothing", async () => {
    const q = new Queue<unknown>();
    const child = start(new Process({ target: putFunction, args: [q] }));
    const [name, message] = (await child.join()) ?? [];
    expect(name).toBe("TypeError");
    expect(message).toContain("cannot share this value with another process");
    expect(await q.empty()).toBe(true);
  });

  it("a child's get() aborted by its signal rejects with the reason there and takes nothing", async () => {
    const q = new Queue<string>();
    const aborted = new Event();
    const child = start(new Process({ target: abortedGet, args: [q, 20, aborted] }));
    await aborted.wait(); // the broker answered the cancellation: the child's first get is gone
    await q.put("first");
    await q.put("second");
    expect(await child.join()).toEqual(["TimeoutError", "first"]); // its next get got the first item
    expect(await q.get()).toBe("second");
  });

  it("three producer and three consumer processes: every item arrives exactly once", async () => {
    const q = new Queue<string | null>({ maxsize: 10 }); // bounded: producers wait for consumers too
    const perProducer = 200;
    const producers = ["a", "b", "c"].map((tag) =>
      start(new Process({ target: produce, args: [q, tag, perProducer] })),
    );
    const consumers = [0, 1, 2].map(() => start(new Process({ target: consume, args: [q] })));
    for (const p of producers) expect(await p.join()).toBe(perProducer);
    for (let i = 0; i < consumers.length; i++) await q.put(null); // one end mark per consumer
    const got = (await Promise.all(consumers.map((p) => p.join()))).flatMap((items) => items ?? []);
    expect(consumers.map((p) => p.exitCode)).toEqual([0, 0, 0]);
    const expected = ["a", "b", "c"].flatMap((tag) => Array.from({ length: perProducer }, (_, i) => `${tag}:${i}`));
    expect(got).toHaveLength(expected.length); // nothing duplicated…
    expect(new Set(got)).toEqual(new Set(expected)); // …nothing lost
    // each producer's items reach each consumer in the order they were put (FIFO)
    for (const items of await Promise.all(consumers.map((p) => p.join()))) {
      for (const tag of ["a", "b", "c"]) {
        const mine = (items ?? []).filter((s) => s.startsWith(`${tag}:`)).map((s) => Number(s.slice(2)));
        expect(mine).toEqual([...mine].sort((x, y) => x - y));
      }
    }
  });

  it("reaches a ProcessPoolExecutor task as an argument", async () => {
    const q = new Queue<string>();
    await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
    const counts = await Promise.all([executor.submit(produce, q, "x", 5), executor.submit(produce, q, "y", 5)]);
    expect(counts).toEqual([5, 5]);
    const got: string[] = [];
    for (let i = 0; i < 10; i++) got.push(await q.get());
    expect(got.sort()).toEqual([
      ..."xxxxx".split("").map((_, i) => `x:${i}`),
      ..."yyyyy".split("").map((_, i) => `y:${i}`),
    ]);
    expect(await q.empty()).toBe(true);
  });
});

describe("Queue in a worker thread", () => {
  it("reaches a ThreadPoolExecutor task too, which talks to this process's broker over its socket", async () => {
    const q = new Queue<string>();
    await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    expect(await executor.submit(produce, q, "t", 3)).toBe(3);
    expect([await q.get(), await q.get(), await q.get()]).toEqual(["t:0", "t:1", "t:2"]);
  });
});

describe("Queue in a Pool", () => {
  it("reaches the workers through the initializer, as Python's classic initargs=(q,)", async () => {
    const q = new Queue<number>();
    {
      await using pool = new Pool({ processes: 2, initializer: keepQueue, initArgs: [q] });
      expect(await pool.map(putSquare, [1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    }
    const squares = [await q.get(), await q.get(), await q.get(), await q.get()];
    expect(squares.sort((a, b) => a - b)).toEqual([1, 4, 9, 16]);
    expect(await q.empty()).toBe(true);
  });
});

describe("JoinableQueue", () => {
  it("join() waits until every item put was marked done by the worker processes (test_task_done)", async () => {
    const q = new JoinableQueue<number | null>();
    const out = new Queue<number>();
    const workers = [0, 1].map(() => start(new Process({ target: squareWorker, args: [q, out] })));
    for (let i = 1; i <= 20; i++) await q.put(i);
    await q.join(); // every item processed
    const squares: number[] = [];
    for (let i = 0; i < 20; i++) squares.push(await out.getNowait()); // all there already: join came after
    expect(squares.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) ** 2));
    for (const _ of workers) await q.put(null);
    await q.join();
    for (const w of workers) await w.join();
    expect(workers.map((w) => w.exitCode)).toEqual([0, 0]);
  });

  it("taskDone() more times than items put rejects with RangeError", async () => {
    const q = new JoinableQueue<number>();
    await q.put(1);
    await q.get();
    await q.taskDone();
    await expect(q.taskDone()).rejects.toBeInstanceOf(RangeError);
  });
});
