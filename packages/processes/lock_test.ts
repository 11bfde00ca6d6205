import { InvalidStateError, task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { AbandonedLockError, Event, Lock, Process, RLock } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const holdForever = task<typeof T.holdForever>(tasks, "holdForever");
const tryLock = task<typeof T.tryLock>(tasks, "tryLock");
const releaseLock = task<typeof T.releaseLock>(tasks, "releaseLock");

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

describe("Lock", () => {
  it("acquire()/release()/locked(); a second acquire waits or times out (test_lock)", async () => {
    const lock = new Lock();
    expect(await lock.locked()).toBe(false);
    expect(await lock.acquire()).toBe(true);
    expect(await lock.locked()).toBe(true);
    expect(await lock.acquire({ timeout: 0 })).toBe(false); // Python's acquire(False)
    expect(await lock.acquire({ timeout: 10 })).toBe(false);
    const second = lock.acquire();
    await lock.release();
    expect(await second).toBe(true); // handed to the waiter
    await lock.release();
    await expect(lock.release()).rejects.toBeInstanceOf(InvalidStateError); // Python: release unlocked lock
  });

  it("acquire() with a signal aborted while waiting rejects with its reason and does not take the lock", async () => {
    const lock = new Lock();
    await lock.acquire();
    const controller = new AbortController();
    const waiting = lock.acquire({ signal: controller.signal });
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    await lock.release();
    expect(await lock.locked()).toBe(false);
  });

  it("excludes another process: a child cannot take it while the host holds it, then can", async () => {
    const lock = new Lock();
    await lock.acquire();
    const p1 = start(new Process({ target: tryLock, args: [lock, 0] }));
    expect(await p1.join()).toBe("timeout");
    await lock.release();
    const p2 = start(new Process({ target: tryLock, args: [lock, 0] }));
    expect(await p2.join()).toBe("acquired");
  });

  it("any process may release it (Python's Lock has no owner)", async () => {
    const lock = new Lock();
    await lock.acquire();
    const p = start(new Process({ target: releaseLock, args: [lock] }));
    expect(await p.join()).toBe("released");
    expect(await lock.locked()).toBe(false);
  });

  it("a child killed (SIGKILL) while holding it: the lock is released, a waiting child gets AbandonedLockError once, the next acquire takes it", async () => {
    const lock = new Lock();
    const held = new Event();
    const holder = start(new Process({ target: holdForever, args: [lock, held] }));
    await held.wait();
    expect(await lock.locked()).toBe(true);
    const waiting = new Event();
    // its acquire reaches the broker before its set() (one socket, in order)
    const waiter = start(new Process({ target: tryLock, args: [lock, 60_000, waiting] }));
    await waiting.wait();
    holder.kill();
    await holder.join();
    expect(holder.exitCode).toBe(-9);
    expect(await waiter.join()).toBe("abandoned"); // told, instead of waiting for ever (Python)
    expect(await lock.acquire({ timeout: 0 })).toBe(true); // told once: now it is an ordinary free lock
    await lock.release();
  });

  it("a child killed while holding it: the host's pending acquire rejects with AbandonedLockError, then the lock is free", async () => {
    const lock = new Lock();
    const held = new Event();
    const holder = start(new Process({ target: holdForever, args: [lock, held] }));
    await held.wait();
    const acquiring = lock.acquire();
    holder.kill();
    const error = await acquiring.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AbandonedLockError);
    expect((error as Error).message).toContain(`process ${holder.pid}`);
    expect(await lock.locked()).toBe(false);
    expect(await lock.acquire()).toBe(true);
  });
});

describe("RLock", () => {
  it("its owner may acquire it again and must release it as many times (test_rlock)", async () => {
    const lock = new RLock();
    expect(await lock.acquire()).toBe(true);
    expect(await lock.acquire({ timeout: 0 })).toBe(true);
    await lock.release();
    expect(await lock.locked()).toBe(true);
    await lock.release();
    expect(await lock.locked()).toBe(false);
    await expect(lock.release()).rejects.toBeInstanceOf(InvalidStateError);
  });

  it("another process can neither take it nor release it while this one holds it", async () => {
    const lock = new RLock();
    await lock.acquire();
    const taker = start(new Process({ target: tryLock, args: [lock, 0] }));
    expect(await taker.join()).toBe("timeout");
    const releaser = start(new Process({ target: releaseLock, args: [lock] }));
    expect(await releaser.join()).toBe("InvalidStateError");
    expect(await lock.locked()).toBe(true);
  });
});
