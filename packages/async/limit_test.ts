import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { deferred } from "./_util.ts";
import { limit } from "./mod.ts";

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
