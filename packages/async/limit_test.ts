import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { deferred } from "./_util.ts";
import { limit, limitFunction } from "./mod.ts";

describe("limit() (p-limit's test.js)", () => {
  // p-limit test.js, "propagates async execution context properly".
  it("runs every call, queued ones included, in its own caller's AsyncLocalStorage context", async () => {
    const lim = limit(2);
    const store = new AsyncLocalStorage<{ id: number }>();
    const seen: [number, number | undefined][] = [];
    const checkId = async (id: number) => {
      await Promise.resolve();
      seen.push([id, store.getStore()?.id]);
    };
    await Promise.all(Array.from({ length: 100 }, (_, id) => store.run({ id }, () => lim(checkId, id))));
    expect(seen).toHaveLength(100);
    expect(seen.filter(([id, got]) => id !== got)).toEqual([]);
  });

  // The same, one queued call at a time: the slot is freed from another context ("A").
  it("runs a queued call in its caller's context, not in the context of the call that freed the slot", async () => {
    const lim = limit(1);
    const store = new AsyncLocalStorage<string>();
    const gate = deferred<void>();
    const first = store.run("A", () => lim(() => gate.promise.then(() => store.getStore())));
    const second = store.run("B", () => lim(() => store.getStore()));
    const third = lim(() => store.getStore());
    expect(lim.pendingCount).toBe(2);
    store.run("C", () => gate.resolve());
    expect(await Promise.all([first, second, third])).toEqual(["A", "B", undefined]);
  });

  // p-limit test.js, "runs all tasks asynchronously".
  it("starts a call with a free slot asynchronously, counting it active at once", async () => {
    const lim = limit(3);
    let value = 1;
    const one = lim(() => 1);
    const two = lim(() => value);
    expect(lim.activeCount).toBe(2);
    expect(lim.pendingCount).toBe(0);
    value = 2;
    expect(await Promise.all([one, two])).toEqual([1, 2]);
    expect(lim.activeCount).toBe(0);
  });

  // p-limit test.js, "continues after sync throw": the throw becomes the call's rejection.
  it("turns a synchronous throw into a rejection and frees the slot", async () => {
    const lim = limit(1);
    let ran = false;
    const failing = lim(() => {
      throw new Error("err");
    });
    const next = lim(() => {
      ran = true;
    });
    expect(ran).toBe(false);
    await expect(failing).rejects.toThrow("err");
    await next;
    expect(ran).toBe(true);
  });
});

/** Lets pending promise reactions run (a handful of microtask turns). */
async function ticks(n = 10): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

/** Ten calls that each log how many run when they start and wait for their own gate. */
function gatedJobs(lim: ReturnType<typeof limit>) {
  let running = 0;
  const log: number[] = [];
  const gates = Array.from({ length: 10 }, () => deferred<void>());
  const calls = gates.map((gate) =>
    lim(async () => {
      log.push(++running);
      await gate.promise;
      running--;
    }),
  );
  // Opens the gates in order, each once its call has started and after the previous call ended.
  const finishInOrder = async () => {
    for (const [i, gate] of gates.entries()) {
      gate.resolve();
      await calls[i];
    }
  };
  return { log, running: () => running, finishInOrder };
}

describe("limit()'s p-limit surface (p-limit's test.js)", () => {
  // "activeCount and pendingCount properties"
  it("counts active and pending calls", async () => {
    const lim = limit(5);
    const gate = deferred<void>();
    expect([lim.activeCount, lim.pendingCount]).toEqual([0, 0]);
    const one = lim(() => gate.promise);
    expect([lim.activeCount, lim.pendingCount]).toEqual([1, 0]);
    const more = Array.from({ length: 7 }, () => lim(() => gate.promise));
    expect([lim.activeCount, lim.pendingCount]).toEqual([5, 3]);
    gate.resolve();
    await Promise.all([one, ...more]);
    expect([lim.activeCount, lim.pendingCount]).toEqual([0, 0]);
  });

  // "change concurrency to smaller value"
  it("lets running calls finish when concurrency is lowered", async () => {
    const lim = limit(4);
    const jobs = gatedJobs(lim);
    await ticks();
    expect(jobs.running()).toBe(4);
    lim.concurrency = 2;
    expect(lim.concurrency).toBe(2);
    await jobs.finishInOrder();
    expect(jobs.log).toEqual([1, 2, 3, 4, 2, 2, 2, 2, 2, 2]);
  });

  // "change concurrency to bigger value"
  it("starts waiting calls at once when concurrency is raised", async () => {
    const lim = limit(2);
    const jobs = gatedJobs(lim);
    await ticks();
    expect(jobs.running()).toBe(2);
    lim.concurrency = 4;
    expect([lim.activeCount, lim.pendingCount]).toEqual([4, 6]);
    await ticks();
    expect(jobs.running()).toBe(4);
    await jobs.finishInOrder();
    expect(jobs.log).toEqual([1, 2, 3, 4, 4, 4, 4, 4, 4, 4]);
  });

  // "throws on invalid concurrency argument", for the setter.
  it("refuses a bad concurrency on set, keeping the old one", () => {
    const lim = limit(3);
    expect(() => {
      lim.concurrency = 0;
    }).toThrow(RangeError);
    expect(() => {
      lim.concurrency = 1.5;
    }).toThrow("received 1.5");
    expect(lim.concurrency).toBe(3);
    lim.concurrency = Number.POSITIVE_INFINITY;
    expect(lim.concurrency).toBe(Number.POSITIVE_INFINITY);
  });

  // "map"
  it("map() runs fn over the items and resolves to the results in order", async () => {
    const lim = limit(1);
    expect(await lim.map([1, 2, 3, 4, 5, 6, 7], (x) => x + 1)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  // "map passes index and preserves order with concurrency": later items finish first.
  it("map() passes the index and keeps input order when results come out of order", async () => {
    const lim = limit(3);
    const gates = Array.from({ length: 5 }, () => deferred<void>());
    let peak = 0;
    const p = lim.map([10, 10, 10, 10, 10], async (value, index) => {
      peak = Math.max(peak, lim.activeCount);
      await gates[index]?.promise;
      return value + index;
    });
    await ticks();
    for (const i of [2, 1, 0, 4, 3]) {
      gates[i]?.resolve();
      await ticks();
    }
    expect(await p).toEqual([10, 11, 12, 13, 14]);
    expect(peak).toBe(3);
  });

  // "map works when detached from the limit": one limit for direct calls and map.
  it("map() works detached and shares the limit with direct calls", async () => {
    const lim = limit(1);
    const { map } = lim;
    let running = 0;
    let peak = 0;
    const mapper = async (x: number) => {
      peak = Math.max(peak, ++running);
      await ticks(3);
      running--;
      return x * 2;
    };
    expect(await Promise.all([lim(mapper, 1), map([2, 3], mapper)])).toEqual([2, [4, 6]]);
    expect(peak).toBe(1);
  });

  // "map accepts an iterable (set)" and "(array iterator)"
  it("map() accepts any iterable", async () => {
    const lim = limit(2);
    expect(await lim.map(new Set([1, 2, 3, 4]), (x) => x * 2)).toEqual([2, 4, 6, 8]);
    expect(await lim.map([1, 2, 3, 4].values(), (x) => x * 2)).toEqual([2, 4, 6, 8]);
  });

  it("map() rejects, not throws, for a bad fn or a throwing iterable", async () => {
    const lim = limit(2);
    await expect(lim.map([1], "x" as never)).rejects.toThrow(TypeError);
    function* broken() {
      yield 1;
      throw new Error("input failed");
    }
    await expect(lim.map(broken(), (x) => x)).rejects.toThrow("input failed");
  });

  // "limitFunction()"
  it("limitFunction() runs at most concurrency calls of fn at once", async () => {
    const concurrency = 5;
    let running = 0;
    let peak = 0;
    const limited = limitFunction(
      async (x: number) => {
        peak = Math.max(peak, ++running);
        await ticks(x % 7);
        running--;
        return x;
      },
      { concurrency },
    );
    const out = await Promise.all(Array.from({ length: 100 }, (_, i) => limited(i)));
    expect(out).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(peak).toBe(concurrency);
    expect(() => limitFunction(async () => 1, { concurrency: 0 })).toThrow(RangeError);
    expect(() => limitFunction("f" as never, { concurrency: 1 })).toThrow(TypeError);
  });
});
