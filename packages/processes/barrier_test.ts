import { task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { AbandonedLockError, Barrier, BrokenBarrierError, Event, Lock, Process } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const barrierWait = task<typeof T.barrierWait>(tasks, "barrierWait");
const abortBarrierHoldLock = task<typeof T.abortBarrierHoldLock>(tasks, "abortBarrierHoldLock");

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

describe("Barrier", () => {
  it("releases three children together, each with its own index (test_barrier)", async () => {
    const barrier = new Barrier(3);
    expect(barrier.parties).toBe(3);
    const children = [0, 1, 2].map(() => start(new Process({ target: barrierWait, args: [barrier] })));
    const indexes = await Promise.all(children.map((c) => c.join()));
    expect([...indexes].sort()).toEqual([0, 1, 2]);
    expect(await barrier.nWaiting()).toBe(0);
    expect(await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()])).toEqual([0, 1, 2]); // again
  });

  it("a timeout breaks it for every waiter and later wait until reset() (test_timeout, test_reset)", async () => {
    const barrier = new Barrier(3);
    const other = barrier.wait();
    await expect(barrier.wait({ timeout: 20 })).rejects.toBeInstanceOf(BrokenBarrierError);
    await expect(other).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(await barrier.isBroken()).toBe(true);
    await expect(barrier.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    await barrier.reset();
    expect(await barrier.isBroken()).toBe(false);
    await barrier.abort();
    await expect(barrier.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
  });

  it("a child killed while waiting breaks it: the others get BrokenBarrierError, not a wait for ever", async () => {
    const barrier = new Barrier(3);
    const waiting = new Event();
    const child = start(new Process({ target: barrierWait, args: [barrier, waiting] }));
    await waiting.wait();
    const mine = barrier.wait();
    child.kill();
    await expect(mine).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(await barrier.isBroken()).toBe(true);
  });

  it("a child that gave up its wait (signal) and then ended does not break it", async () => {
    const barrier = new Barrier(2);
    const lock = new Lock();
    const done = new Event();
    const child = start(new Process({ target: abortBarrierHoldLock, args: [barrier, lock, done] }));
    await done.wait();
    child.kill();
    // the broker has handled the child's end once its lock is reported abandoned
    await expect(lock.acquire()).rejects.toBeInstanceOf(AbandonedLockError);
    expect(await barrier.isBroken()).toBe(false);
    expect(await Promise.all([barrier.wait(), barrier.wait()])).toEqual([0, 1]);
  });
});
