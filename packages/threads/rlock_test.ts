import { InvalidStateError, SHAREABLE } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { Event } from "./event.ts";
import { RLock } from "./rlock.ts";
import { share, spawn, terminateAll } from "./testdata/workers.ts";

afterEach(terminateAll);

describe("RLock", () => {
  it("acquire() re-enters on the owning thread and needs as many release() calls", async () => {
    const rlock = new RLock();
    expect(await rlock.acquire()).toBe(true);
    expect(await rlock.acquire({ timeout: 0 })).toBe(true);
    expect(rlock.tryAcquire()).toBe(true);
    rlock.release();
    rlock.release();
    expect(rlock.locked()).toBe(true);
    expect(rlock.isOwned()).toBe(true);
    rlock.release();
    expect(rlock.locked()).toBe(false);
    expect(rlock.isOwned()).toBe(false);
  });

  it("release() without owning throws InvalidStateError", () => {
    expect(() => new RLock().release()).toThrow(InvalidStateError);
  });

  it("hold() nests and releases on dispose", async () => {
    const rlock = new RLock();
    {
      await using _outer = await rlock.hold();
      await using _inner = await rlock.hold();
      expect(rlock.locked()).toBe(true);
    }
    expect(rlock.locked()).toBe(false);
  });

  it("fromShared(structuredClone(state)) shares the memory and the owner", () => {
    const rlock = new RLock();
    const handle = rlock[SHAREABLE]();
    expect(handle.name).toBe("RLock");
    const copy = RLock.fromShared(structuredClone(handle.state));
    expect(rlock.tryAcquire()).toBe(true);
    expect(copy.locked()).toBe(true);
    expect(copy.isOwned()).toBe(true); // same thread
    copy.release();
    expect(rlock.locked()).toBe(false);
  });

  it("a worker cannot take or release an RLock the main thread holds", async () => {
    const rlock = new RLock();
    rlock.tryAcquire();
    const taker = spawn("call.mjs", { primitive: share(rlock), method: "tryAcquire" });
    expect(await taker.next()).toEqual({ result: false });
    const releaser = spawn("call.mjs", { primitive: share(rlock), method: "release" });
    expect(await releaser.next()).toEqual({ error: { name: "InvalidStateError", message: expect.any(String) } });
    expect(rlock.locked()).toBe(true);
    rlock.release();
  });

  it("the main thread waits for a worker's RLock without blocking, then owns it", async () => {
    const rlock = new RLock();
    const release = new Event();
    const holder = spawn("hold.mjs", { primitive: share(rlock), release: share(release) });
    expect(await holder.next()).toBe("held");
    expect(rlock.isOwned()).toBe(false);
    expect(() => rlock.release()).toThrow(InvalidStateError);
    setTimeout(() => release.set(), 0);
    expect(await rlock.acquire()).toBe(true);
    expect(rlock.isOwned()).toBe(true);
    rlock.release();
  });
});
