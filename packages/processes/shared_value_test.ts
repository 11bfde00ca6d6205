import { task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { Event, Lock, Process, RLock, SharedArray, Value } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const incrementLocked = task<typeof T.incrementLocked>(tasks, "incrementLocked");
const incrementAtomic = task<typeof T.incrementAtomic>(tasks, "incrementAtomic");
const writeSquare = task<typeof T.writeSquare>(tasks, "writeSquare");
const setValue = task<typeof T.setValue>(tasks, "setValue");

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

describe("Value", () => {
  it("stores its C type: ints wrap, floats round, 64-bit ints are bigints (test_value)", async () => {
    const i = new Value("i", 2 ** 31 - 1);
    await i.add(1);
    expect(await i.get()).toBe(-(2 ** 31));
    const f = new Value("f", 0.1);
    expect(await f.get()).toBe(Math.fround(0.1));
    const q = new Value<bigint>("q", 2n ** 62n);
    expect(await q.get()).toBe(2n ** 62n);
    expect(() => new Value("i", 1n as never)).toThrow(TypeError);
    expect(() => new Value("x" as never, 1)).toThrow(TypeError);
    await expect(i.set("1" as never)).rejects.toBeInstanceOf(TypeError);
    expect(i.typecode).toBe("i");
  });

  it("three children each add 100 under getLock(): exactly 300 (test_getobj_getlock)", async () => {
    const v = new Value("i", 0);
    expect(v.getLock()).toBeInstanceOf(RLock);
    expect(v.getLock()).toBe(v.getLock());
    const children = [0, 1, 2].map(() => start(new Process({ target: incrementLocked, args: [v, 100] })));
    for (const c of children) await c.join();
    expect(children.map((c) => c.exitCode)).toEqual([0, 0, 0]);
    expect(await v.get()).toBe(300);
  });

  it("three children each add() 100 times: exactly 300", async () => {
    const v = new Value("d", 0, { lock: false });
    expect(() => v.getLock()).toThrow(TypeError); // Python's RawValue has no lock
    const children = [0, 1, 2].map(() => start(new Process({ target: incrementAtomic, args: [v, 100] })));
    for (const c of children) await c.join();
    expect(await v.get()).toBe(300);
  });

  it("a child's set() waits while the host holds the value's lock (Python's synchronized wrapper)", async () => {
    const lock = new Lock();
    const v = new Value("i", 0, { lock });
    expect(v.getLock()).toBe(lock); // the lock it was given (test_getobj_getlock)
    await lock.acquire();
    const done = new Event();
    const child = start(new Process({ target: setValue, args: [v, 5, done] }));
    expect(await done.wait({ timeout: 300 })).toBe(false); // still waiting for the lock
    expect(await v.get()).toBe(0); // the holder itself reads
    await lock.release();
    await child.join();
    expect(await done.isSet()).toBe(true);
    expect(await v.get()).toBe(5);
  });
});

describe("SharedArray", () => {
  it("children write their items; the host reads them all (test_array)", async () => {
    const arr = new SharedArray("i", 5);
    expect(arr.length).toBe(5);
    const children = [0, 1, 2, 3, 4].map((i) => start(new Process({ target: writeSquare, args: [arr, i] })));
    expect(await Promise.all(children.map((c) => c.join()))).toEqual([0, 1, 4, 9, 16]);
    expect(await arr.toArray()).toEqual([0, 1, 4, 9, 16]);
    expect(await arr.slice(1, 3)).toEqual([1, 4]);
    expect(await arr.get(-1)).toBe(16);
    await arr.setAll([7, 8], 3);
    expect(await arr.toArray()).toEqual([0, 1, 4, 7, 8]);
    await expect(arr.get(5)).rejects.toBeInstanceOf(RangeError);
    await expect(arr.setAll([1, 2], 4)).rejects.toBeInstanceOf(RangeError);
    expect(await new SharedArray<bigint>("Q", [1n, 2n]).toArray()).toEqual([1n, 2n]);
    expect(await new SharedArray("B", [256, -1]).toArray()).toEqual([0, 255]);
  });
});
