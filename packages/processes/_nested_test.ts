import { task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { ListProxy, Manager, Pipe, type PipeConnection, Pool, Process, ProcessPoolExecutor, Queue } from "./mod.ts";
import { Reporter } from "./testdata/primitive_processes.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const appendVia = task<typeof T.appendVia>(tasks, "appendVia");
const sendViaQueued = task<typeof T.sendViaQueued>(tasks, "sendViaQueued");
const produceNested = task<typeof T.produceNested>(tasks, "produceNested");

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

describe("primitives inside values", () => {
  it("a ListProxy stored in a DictProxy comes back as a ListProxy, in the parent and in a child (test_dict_proxy_nested)", async () => {
    await using manager = new Manager();
    const d = manager.dict<string, ListProxy<number>>();
    const list = manager.list<number>([0]);
    await d.set("list", list);
    const back = await d.get("list");
    expect(back).toBeInstanceOf(ListProxy);
    await back?.append(1);
    await start(new Process({ target: appendVia, args: [d, 2] })).join();
    expect(await list.toArray()).toEqual([0, 1, 2]);
  });

  it("a Pipe end put on a Queue reaches a child that uses it", async () => {
    const [mine, theirs] = Pipe();
    const q = new Queue<PipeConnection>();
    await q.put(theirs);
    await start(new Process({ target: sendViaQueued, args: [q, "hello"] })).join();
    expect(await mine.recv()).toBe("hello");
  });

  it("a Queue inside an object argument of a Process target arrives as a Queue", async () => {
    const queue = new Queue<string>();
    const p = start(new Process({ target: produceNested, args: [{ out: { queue }, tag: "n" }, 2] }));
    expect(await p.join()).toBe(2);
    expect([await queue.get(), await queue.get()]).toEqual(["n:0", "n:1"]);
  });

  it("queues inside an object field of a Process subclass arrive as queues", async () => {
    const results = new Queue<string>();
    const extra = [new Queue<string>(), new Queue<string>()];
    const p = start(new Reporter({ results, extra }));
    await p.join();
    expect(p.exitCode).toBe(0);
    expect(await results.get()).toBe(`from ${p.pid}`);
    expect([await extra[0]!.get(), await extra[1]!.get()]).toEqual(["extra", "extra"]);
  });

  it("a Queue inside an object argument of a ProcessPoolExecutor task arrives as a Queue (was {})", async () => {
    await using executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    const queue = new Queue<string>();
    expect(await executor.submit(produceNested, { out: { queue }, tag: "e" }, 2)).toBe(2);
    expect(await executor.submitWith(produceNested, [{ out: { queue }, tag: "w" }, 1], { timeout: 60_000 })).toBe(1);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(["e:0", "e:1", "w:0"]);
  });

  it("a Queue inside an object argument of a Pool task arrives as a Queue (was {})", async () => {
    await using pool = new Pool({ processes: 1 });
    const queue = new Queue<string>();
    expect(await pool.applyAsync(produceNested, [{ out: { queue }, tag: "p" }, 1]).get()).toBe(1);
    expect(await pool.apply(produceNested, [{ out: { queue }, tag: "q" }, 1])).toBe(1);
    expect([await queue.get(), await queue.get()]).toEqual(["p:0", "q:0"]);
  });
});
