import { InvalidStateError } from "@cc/core";
import { describe, expect, it } from "vitest";
import { LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull, QueueShutDown } from "./mod.ts";

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe("Queue", () => {
  it("is FIFO; put waits while full and get while empty", async () => {
    const q = new Queue<number>({ maxsize: 1 });
    await q.put(1);
    let putDone = false;
    const p2 = q.put(2).then(() => (putDone = true));
    await flush();
    expect(putDone).toBe(false);
    expect(q.full()).toBe(true);
    expect(await q.get()).toBe(1);
    await p2;
    expect(await q.get()).toBe(2);
    let got: number | undefined;
    const g = q.get().then((v) => (got = v));
    await flush();
    expect(got).toBeUndefined();
    q.putNowait(3);
    await g;
    expect(got).toBe(3);
  });

  it("serves waiting getters in FIFO order", async () => {
    const q = new Queue<string>();
    const got: string[] = [];
    const gs = [1, 2, 3].map((i) => q.get().then((v) => got.push(`${i}:${v}`)));
    for (const v of ["a", "b", "c"]) q.putNowait(v);
    await Promise.all(gs);
    expect(got).toEqual(["1:a", "2:b", "3:c"]);
  });

  it("cancels a waiting get without losing the next item", async () => {
    const q = new Queue<number>();
    const c = new AbortController();
    const cancelled = q.get({ signal: c.signal });
    c.abort(new Error("bye"));
    await expect(cancelled).rejects.toThrow("bye");
    q.putNowait(7);
    expect(q.qsize()).toBe(1);
    expect(await q.get()).toBe(7);
  });

  it("cancels a waiting put without adding the item", async () => {
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(1);
    const c = new AbortController();
    const p = q.put(2, { signal: c.signal });
    c.abort();
    await expect(p).rejects.toHaveProperty("name", "AbortError");
    expect(q.getNowait()).toBe(1);
    expect(q.empty()).toBe(true);
  });

  it("throws QueueFull / QueueEmpty for the nowait forms", () => {
    const q = new Queue<number>({ maxsize: 1 });
    expect(() => q.getNowait()).toThrow(QueueEmpty);
    q.putNowait(1);
    expect(() => q.putNowait(2)).toThrow(QueueFull);
  });

  it("join() resolves once every item is marked done; taskDone() too often throws", async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.putNowait(2);
    let joined = false;
    const j = q.join().then(() => (joined = true));
    q.getNowait();
    q.taskDone();
    await flush();
    expect(joined).toBe(false);
    q.getNowait();
    q.taskDone();
    await j;
    expect(joined).toBe(true);
    expect(() => q.taskDone()).toThrow(InvalidStateError);
  });

  it("shutdown() lets get drain the rest, then rejects; put rejects at once", async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.shutdown();
    await expect(q.put(2)).rejects.toBeInstanceOf(QueueShutDown);
    expect(await q.get()).toBe(1);
    await expect(q.get()).rejects.toBeInstanceOf(QueueShutDown);
  });

  it("shutdown({ immediate: true }) empties the queue, releases join() and wakes blocked callers", async () => {
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(1);
    const blockedPut = q.put(2);
    const j = q.join();
    q.shutdown({ immediate: true });
    await expect(blockedPut).rejects.toBeInstanceOf(QueueShutDown);
    await j;
    expect(q.qsize()).toBe(0);
    const empty = new Queue<number>();
    const blockedGet = empty.get();
    empty.shutdown();
    await expect(blockedGet).rejects.toBeInstanceOf(QueueShutDown);
  });

  it("for await gets items until the queue is shut down and empty", async () => {
    const q = new Queue<number>();
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const x of q) seen.push(x);
    })();
    q.putNowait(1);
    q.putNowait(2);
    await flush();
    q.putNowait(3);
    q.shutdown();
    await consumer;
    expect(seen).toEqual([1, 2, 3]);
  });

  it("rejects a bad maxsize with the value quoted", () => {
    expect(() => new Queue({ maxsize: -1 })).toThrow(RangeError);
    expect(() => new Queue({ maxsize: "3" as never })).toThrow('"3"');
  });
});

describe("LifoQueue and PriorityQueue", () => {
  it("LifoQueue returns the newest first", () => {
    const q = new LifoQueue<number>();
    for (const x of [1, 2, 3]) q.putNowait(x);
    expect([q.getNowait(), q.getNowait(), q.getNowait()]).toEqual([3, 2, 1]);
  });

  it("PriorityQueue returns the smallest first, tuples compared like Python", () => {
    const q = new PriorityQueue<[number, string]>();
    for (const x of [5, 1, 4, 1, 3, 9, 2].map((p, i) => [p, `x${i}`] as [number, string])) q.putNowait(x);
    const out: [number, string][] = [];
    while (!q.empty()) out.push(q.getNowait());
    expect(out.map((x) => x[0])).toEqual([1, 1, 2, 3, 4, 5, 9]);
    expect(out[0]).toEqual([1, "x1"]);
  });

  it("PriorityQueue takes a compare function and refuses unorderable items", () => {
    const q = new PriorityQueue<{ p: number }>({ compare: (a, b) => b.p - a.p });
    q.putNowait({ p: 1 });
    q.putNowait({ p: 3 });
    expect(q.getNowait().p).toBe(3);
    const bad = new PriorityQueue<unknown>();
    bad.putNowait({});
    expect(() => bad.putNowait({})).toThrow(TypeError);
  });
});
