import { task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { BoundedSemaphore, Event, Process, Queue, QueueEmpty, Semaphore } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const takeSlot = task<typeof T.takeSlot>(tasks, "takeSlot");
const takePermit = task<typeof T.takePermit>(tasks, "takePermit");

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

describe("Semaphore", () => {
  it("acquire() takes a permit, waits when none is left, release(n) gives them back (test_semaphore)", async () => {
    const s = new Semaphore(2);
    expect(await s.getValue()).toBe(2);
    expect(await s.acquire()).toBe(true);
    expect(await s.acquire()).toBe(true);
    expect(await s.getValue()).toBe(0);
    expect(await s.acquire({ timeout: 0 })).toBe(false);
    expect(await s.acquire({ timeout: 10 })).toBe(false);
    const waiting = [s.acquire(), s.acquire()];
    await s.release(2);
    expect(await Promise.all(waiting)).toEqual([true, true]);
    expect(await s.getValue()).toBe(0);
    await s.release(3); // an unbounded semaphore may grow
    expect(await s.getValue()).toBe(3);
    await expect(s.release(0)).rejects.toBeInstanceOf(RangeError);
    expect(() => new Semaphore(-1)).toThrow(RangeError);
  });

  it("bounds processes: with 2 permits, 2 of 4 children get in; the others when those release", async () => {
    const slots = new Semaphore(2);
    const entered = new Queue<number>();
    const go = new Event();
    const children = [0, 1, 2, 3].map(() => start(new Process({ target: takeSlot, args: [slots, entered, go] })));
    const first = [await entered.get(), await entered.get()];
    expect(new Set(first).size).toBe(2);
    await expect(entered.get({ timeout: 300 })).rejects.toBeInstanceOf(QueueEmpty); // no third one gets in
    expect(await slots.getValue()).toBe(0);
    await go.set(); // the first two release; the two others get in, release too
    const second = [await entered.get(), await entered.get()];
    for (const c of children) await c.join();
    expect(new Set([...first, ...second])).toEqual(new Set(children.map((c) => c.pid)));
    expect(children.map((c) => c.exitCode)).toEqual([0, 0, 0, 0]);
    expect(await slots.getValue()).toBe(2);
  });

  it("a child's acquire with a timeout returns false when no permit comes", async () => {
    const slots = new Semaphore(0);
    expect(await start(new Process({ target: takePermit, args: [slots, 20] })).join()).toBe(false);
    await slots.release();
    expect(await start(new Process({ target: takePermit, args: [slots, 20] })).join()).toBe(true);
    expect(await slots.getValue()).toBe(0); // the child kept it (permits have no owner)
  });
});

describe("BoundedSemaphore", () => {
  it("refuses a release above its initial value (test_bounded_semaphore)", async () => {
    const s = new BoundedSemaphore(2);
    await expect(s.release()).rejects.toBeInstanceOf(RangeError);
    await s.acquire();
    await s.release();
    expect(await s.getValue()).toBe(2);
    await expect(s.release()).rejects.toThrow("released too many times");
  });
});
