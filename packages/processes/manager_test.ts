import { InvalidStateError, task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { Manager, Process, ProcessPoolExecutor } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const record = task<typeof T.record>(tasks, "record");

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

describe("Manager", () => {
  it("serves a dict and a list that several children change (test_dict, test_list)", async () => {
    await using manager = new Manager();
    const d = manager.dict<string, number>({ total: 0 });
    const l = manager.list<number>();
    const children = [1, 2, 3, 4].map((id) => start(new Process({ target: record, args: [d, l, id] })));
    for (const c of children) await c.join();
    expect(children.map((c) => c.exitCode)).toEqual([0, 0, 0, 0]);
    expect(await d.get("total")).toBe(10); // add() is atomic: no lost update
    for (const [i, c] of children.entries()) expect(await d.get(`worker-${i + 1}`)).toBe(c.pid);
    expect(await d.size()).toBe(5);
    expect((await l.toArray()).sort()).toEqual([1, 2, 3, 4]);
  });

  it("its proxies reach pool tasks too", async () => {
    await using manager = new Manager();
    const d = manager.dict<string, number>();
    const l = manager.list<number>();
    await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
    await Promise.all([1, 2, 3].map((id) => executor.submit(record, d, l, id)));
    expect(await d.get("total")).toBe(6);
    expect(await l.length()).toBe(3);
  });

  it("dict: get/set/has/delete/pop/setDefault/update/keys/values/entries/clear as Python's", async () => {
    await using manager = new Manager();
    const d = manager.dict<string | number, unknown>([["a", 1]]);
    expect(await d.get("missing")).toBeUndefined();
    expect(await d.get("missing", 0)).toBe(0);
    await d.set(2, { nested: [1] });
    expect(await d.get(2)).toEqual({ nested: [1] });
    expect(await d.has(2)).toBe(true);
    expect(await d.pop("a")).toBe(1);
    expect(await d.pop("a", "gone")).toBe("gone");
    expect(await d.setDefault("b", 5)).toBe(5);
    await d.update({ c: 3 });
    expect(await d.keys()).toEqual([2, "b", "c"]);
    expect(await d.values()).toEqual([{ nested: [1] }, 5, 3]);
    expect((await d.toMap()).get("c")).toBe(3);
    expect(await d.delete("c")).toBe(true);
    await expect(d.set({} as never, 1)).rejects.toBeInstanceOf(TypeError);
    await d.clear();
    expect(await d.size()).toBe(0);
  });

  it("list: indexes like Python's, out of range is a RangeError", async () => {
    await using manager = new Manager();
    const l = manager.list<unknown>([1, 2, 3]);
    expect(await l.get(-1)).toBe(3);
    await expect(l.get(3)).rejects.toBeInstanceOf(RangeError);
    await l.insert(-100, 0); // clamps
    await l.extend([{ x: 1 }]);
    expect(await l.index({ x: 1 })).toBe(4);
    expect(await l.count(2)).toBe(1);
    await l.remove({ x: 1 });
    expect(await l.pop(0)).toBe(0);
    await l.set(0, "one");
    expect(await l.toArray()).toEqual(["one", 2, 3]);
    expect(await l.slice(-2)).toEqual([2, 3]);
    await l.clear();
    await expect(l.pop()).rejects.toBeInstanceOf(RangeError);
  });

  it("shutdown() frees its objects: later calls fail, new ones are refused", async () => {
    const manager = new Manager();
    const d = manager.dict();
    const q = manager.queue<number>();
    const v = manager.value("i", 1);
    await manager.shutdown();
    await manager.shutdown(); // idempotent
    await expect(d.size()).rejects.toThrow("no shared object");
    await expect(q.put(1)).rejects.toThrow("no shared object");
    await expect(v.getLock().acquire()).rejects.toThrow("no shared object");
    expect(() => manager.list()).toThrow(InvalidStateError);
  });
});
