import { InvalidStateError, task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { Condition, Lock, Process, Queue, QueueEmpty, Value } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const condWait = task<typeof T.condWait>(tasks, "condWait");

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

describe("Condition", () => {
  it("notify() wakes one waiting child, notifyAll() the rest (test_notify, test_notify_all)", async () => {
    const cond = new Condition();
    const events = new Queue<string>();
    const children = [0, 1].map(() => start(new Process({ target: condWait, args: [cond, events] })));
    expect([await events.get(), await events.get()]).toEqual(["waiting", "waiting"]);
    await cond.acquire(); // free only once both children released it in wait()
    await cond.notify();
    await cond.release();
    expect(await events.get()).toBe("woken");
    await expect(events.get({ timeout: 300 })).rejects.toBeInstanceOf(QueueEmpty); // only one woke
    await cond.acquire();
    await cond.notifyAll();
    await cond.release();
    expect(await events.get()).toBe("woken");
    expect(await Promise.all(children.map((c) => c.join()))).toEqual([true, true]);
  });

  it("a child's wait() with a timeout returns false and holds the lock again", async () => {
    const lock = new Lock();
    const cond = new Condition(lock);
    const events = new Queue<string>();
    const child = start(new Process({ target: condWait, args: [cond, events, 20] }));
    expect(await child.join()).toBe(false);
    expect([await events.get(), await events.get()]).toEqual(["waiting", "timed out"]);
    expect(await lock.locked()).toBe(false); // it released after
  });

  it("wait() and notify() without the lock reject with InvalidStateError", async () => {
    const cond = new Condition();
    await expect(cond.wait()).rejects.toBeInstanceOf(InvalidStateError);
    await expect(cond.notify()).rejects.toBeInstanceOf(InvalidStateError);
  });

  it("an RLock taken twice is released by wait() and taken back twice", async () => {
    const cond = new Condition();
    await cond.acquire();
    await cond.acquire();
    expect(await cond.wait({ timeout: 0 })).toBe(false);
    await cond.release();
    await cond.release(); // both counts came back
    await expect(cond.release()).rejects.toBeInstanceOf(InvalidStateError);
  });

  it("waitFor() returns once the predicate is true (test_waitfor)", async () => {
    const cond = new Condition();
    const v = new Value("i", 0);
    await cond.acquire();
    expect(await cond.waitFor(async () => (await v.get()) > 0, { timeout: 20 })).toBe(false);
    await v.set(1);
    expect(await cond.waitFor(async () => (await v.get()) > 0)).toBe(true);
    await cond.release();
  });
});
