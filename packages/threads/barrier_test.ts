import { InvalidStateError, SHAREABLE } from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Barrier, BrokenBarrierError } from "./barrier.ts";
import { share, spawn, terminateAll } from "./testdata/workers.ts";

afterEach(async () => {
  vi.useRealTimers();
  await terminateAll();
});

describe("Barrier", () => {
  it("wait() releases all parties together with distinct arrival indices, round after round", async () => {
    const barrier = new Barrier(3);
    for (let round = 0; round < 3; round++) {
      const first = barrier.wait();
      const second = barrier.wait();
      expect(barrier.nWaiting).toBe(2);
      const indices = await Promise.all([first, second, barrier.wait()]);
      expect(indices.sort()).toEqual([0, 1, 2]);
    }
    expect(barrier.nWaiting).toBe(0);
    expect(barrier.parties).toBe(3);
  });

  it("runs the action once per round, in the last thread to arrive, before releasing", async () => {
    const calls: number[] = [];
    const barrier = new Barrier(2, { action: () => calls.push(barrier.nWaiting) });
    await Promise.all([barrier.wait(), barrier.wait()]);
    await Promise.all([barrier.wait(), barrier.wait()]);
    expect(calls.length).toBe(2);
  });

  it("an action that throws breaks the barrier", async () => {
    const barrier = new Barrier(2, {
      action: () => {
        throw new Error("action failed");
      },
    });
    const first = barrier.wait();
    await expect(barrier.wait()).rejects.toThrow("action failed");
    await expect(first).rejects.toThrow(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
  });

  it("abort() breaks waiting and later waits; reset() repairs it", async () => {
    const barrier = new Barrier(2);
    const waiting = barrier.wait();
    barrier.abort();
    await expect(waiting).rejects.toThrow(BrokenBarrierError);
    await expect(barrier.wait()).rejects.toThrow(BrokenBarrierError);
    barrier.reset();
    expect(barrier.broken).toBe(false);
    expect((await Promise.all([barrier.wait(), barrier.wait()])).sort()).toEqual([0, 1]);
  });

  it("reset() makes current waiters throw BrokenBarrierError without breaking the barrier", async () => {
    const barrier = new Barrier(3);
    const waits = [barrier.wait(), barrier.wait()];
    barrier.reset();
    for (const w of waits) await expect(w).rejects.toThrow(BrokenBarrierError);
    expect(barrier.broken).toBe(false);
    expect((await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()])).sort()).toEqual([0, 1, 2]);
  });

  it("a wait that times out breaks the barrier (fake timers)", async () => {
    vi.useFakeTimers();
    const barrier = new Barrier(3, { timeout: 100 });
    const first = expect(barrier.wait()).rejects.toThrow(BrokenBarrierError);
    const second = expect(barrier.wait({ timeout: 1000 })).rejects.toThrow(BrokenBarrierError);
    await vi.advanceTimersByTimeAsync(100);
    await first;
    await second;
    expect(barrier.broken).toBe(true);
  });

  it("a wait whose signal aborts rejects with the reason and breaks the barrier", async () => {
    const barrier = new Barrier(2);
    const controller = new AbortController();
    const waiting = barrier.wait({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    expect(barrier.broken).toBe(true);
  });

  it("rejects bad parties and options, quoting the value", () => {
    expect(() => new Barrier(0)).toThrow(RangeError);
    expect(() => new Barrier(0)).toThrow("received 0");
    expect(() => new Barrier(2.5)).toThrow(RangeError);
    expect(() => new Barrier("2" as never)).toThrow(TypeError);
    expect(() => new Barrier("2" as never)).toThrow('"2"');
    expect(() => new Barrier(2, { action: 1 as never })).toThrow(TypeError);
    expect(() => new Barrier(2, { timeout: "1" as never })).toThrow(TypeError);
  });

  it("waitSync() throws InvalidStateError on the main thread", () => {
    expect(() => new Barrier(1).waitSync()).toThrow(InvalidStateError);
    expect(() => new Barrier(1).waitSync(null as never)).toThrow(InvalidStateError); // the guard comes first
  });

  it("wait() reports bad options as a rejection, and a null timeout means the barrier's own (fake timers)", async () => {
    vi.useFakeTimers();
    const bad = new Barrier(2).wait(null as never); // no synchronous throw
    await expect(bad).rejects.toThrow(TypeError);
    const barrier = new Barrier(2, { timeout: 50 });
    const waiting = expect(barrier.wait({ timeout: null as never })).rejects.toThrow(BrokenBarrierError);
    await vi.advanceTimersByTimeAsync(50);
    await waiting;
  });

  it("fromShared(structuredClone(state)) shares the barrier and its default timeout", async () => {
    const barrier = new Barrier(2, { timeout: 5000 });
    const handle = barrier[SHAREABLE]();
    expect(handle.name).toBe("Barrier");
    let ran = false;
    const copy = Barrier.fromShared(structuredClone(handle.state), { action: () => (ran = true) });
    expect(copy.parties).toBe(2);
    const first = barrier.wait();
    expect(await copy.wait()).toBe(1);
    expect(await first).toBe(0);
    expect(ran).toBe(true);
    expect(() => Barrier.fromShared({})).toThrow(TypeError);
  });

  it("releases 4 workers and the main thread together, round after round", async () => {
    const parties = 5;
    const rounds = 20;
    const barrier = new Barrier(parties);
    const arrived = new Int32Array(new SharedArrayBuffer(4 * rounds));
    const seen = new Int32Array(new SharedArrayBuffer(4 * rounds * parties));
    const workers = Array.from({ length: parties - 1 }, (_, worker) =>
      spawn("barrier_worker.mjs", { barrier: share(barrier), arrived, seen, rounds, parties, worker }),
    );
    const mine: number[] = [];
    for (let round = 0; round < rounds; round++) {
      Atomics.add(arrived, round, 1);
      mine.push(await barrier.wait());
      // everyone had arrived before anyone was released
      expect(Atomics.load(arrived, round)).toBe(parties);
    }
    const all = [mine, ...((await Promise.all(workers.map((w) => w.next()))) as number[][])];
    for (let round = 0; round < rounds; round++) {
      expect(all.map((indices) => indices[round]).sort()).toEqual([0, 1, 2, 3, 4]);
      for (let worker = 0; worker < parties - 1; worker++) expect(seen[round * parties + worker]).toBe(parties);
    }
  });
});
