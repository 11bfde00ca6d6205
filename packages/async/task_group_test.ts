import { getEventListeners } from "node:events";
import { CancelledError, InvalidStateError } from "@cc/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type AsyncTask, ExceptionGroup, sleep, TaskGroup } from "./mod.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("TaskGroup", () => {
  it("waits for every child and returns the body's result", async () => {
    const p = TaskGroup.run((tg) => [
      tg.createTask(() => sleep(20, { value: 1 })),
      tg.createTask(() => sleep(10, { value: 2 })),
    ]);
    await vi.advanceTimersByTimeAsync(20);
    const [a, b] = await p;
    expect(a?.result()).toBe(1);
    expect(b?.result()).toBe(2);
  });

  it("cancels the siblings and the body's signal when a child fails, and aggregates errors", async () => {
    let sibling!: AsyncTask<unknown>;
    let bodySignal!: AbortSignal;
    const p = TaskGroup.run((tg, signal) => {
      bodySignal = signal;
      sibling = tg.createTask((s) => sleep(60_000, { signal: s }));
      tg.createTask(async () => {
        await sleep(5);
        throw new Error("one");
      });
      tg.createTask(async () => {
        await sleep(5);
        throw new TypeError("two");
      });
    });
    const result = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5);
    const eg = (await result) as ExceptionGroup;
    expect(eg).toBeInstanceOf(ExceptionGroup);
    expect(eg).toBeInstanceOf(AggregateError);
    expect(eg.name).toBe("ExceptionGroup");
    expect(eg.errors.map((e) => (e as Error).message)).toEqual(["one", "two"]);
    expect(sibling.cancelled()).toBe(true);
    expect(bodySignal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("includes the body's own error and cancels the children", async () => {
    let child!: AsyncTask<unknown>;
    const p = TaskGroup.run((tg) => {
      child = tg.createTask((s) => sleep(60_000, { signal: s }));
      throw new Error("body");
    }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    const eg = (await p) as ExceptionGroup;
    expect(eg.errors.map((e) => (e as Error).message)).toEqual(["body"]);
    expect(child.cancelled()).toBe(true);
  });

  it("works with await using: leaving the block awaits the children", async () => {
    const order: string[] = [];
    const run = async () => {
      await using tg = new TaskGroup();
      tg.createTask(async () => {
        await sleep(10);
        order.push("child");
      });
      order.push("body");
    };
    const p = run().then(() => order.push("after"));
    await vi.advanceTimersByTimeAsync(10);
    await p;
    expect(order).toEqual(["body", "child", "after"]);
  });

  it("refuses createTask after the group finished, and while shutting down", async () => {
    let saved!: TaskGroup;
    await TaskGroup.run((tg) => {
      saved = tg;
    });
    expect(() => saved.createTask(async () => 1)).toThrow(InvalidStateError);
    expect(() => saved.createTask(async () => 1)).toThrow(/finished/);

    const fn = vi.fn(async () => 1);
    const p = TaskGroup.run(async (tg) => {
      tg.createTask(async () => {
        throw new Error("x");
      });
      await sleep(1);
      expect(() => tg.createTask(fn)).toThrow(/shutting down/);
    }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1);
    expect(await p).toBeInstanceOf(ExceptionGroup);
    expect(fn).not.toHaveBeenCalled();
  });

  it("propagates an outer cancellation to all children, nested groups included, and leaks nothing", async () => {
    const outer = new AbortController();
    const inner: AsyncTask<unknown>[] = [];
    let childOfOuter!: AsyncTask<unknown>;
    const p = TaskGroup.run(
      (tg) => {
        childOfOuter = tg.createTask((signal) =>
          TaskGroup.run(
            (nested) => {
              inner.push(nested.createTask((s) => sleep(60_000, { signal: s })));
              inner.push(nested.createTask((s) => sleep(60_000, { signal: s })));
            },
            { signal },
          ),
        );
      },
      { signal: outer.signal },
    ).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1);
    const reason = new CancelledError("outer stop");
    outer.abort(reason);
    expect(await p).toBe(reason);
    expect(inner.every((t) => t.cancelled())).toBe(true);
    expect(childOfOuter.cancelled()).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("removes its listener from the outer signal when it ends", async () => {
    const outer = new AbortController();
    const p = TaskGroup.run((tg) => tg.createTask(() => sleep(5, { value: 1 })), { signal: outer.signal });
    expect(getEventListeners(outer.signal, "abort").length).toBe(1);
    await vi.advanceTimersByTimeAsync(5);
    expect(await p).toBe(1); // a returned task is unwrapped, like any thenable
    expect(getEventListeners(outer.signal, "abort").length).toBe(0);
  });

  it("lets one member be cancelled without failing the group or touching its siblings", async () => {
    let victim!: AsyncTask<unknown>;
    let sibling!: AsyncTask<string>;
    const p = TaskGroup.run((tg) => {
      victim = tg.createTask((s) => sleep(60_000, { signal: s }));
      sibling = tg.createTask((s) => sleep(10, { signal: s, value: "sibling" }));
    });
    await vi.advanceTimersByTimeAsync(1);
    victim.cancel();
    await vi.advanceTimersByTimeAsync(10);
    await expect(p).resolves.toBeUndefined();
    expect(victim.cancelled()).toBe(true);
    expect(sibling.result()).toBe("sibling");
  });

  it("lets children create more children while the group is exiting", async () => {
    const p = TaskGroup.run((tg) => {
      tg.createTask(async () => {
        await sleep(5);
        return tg.createTask(() => sleep(5, { value: "grandchild" }));
      });
    });
    await vi.advanceTimersByTimeAsync(10);
    await expect(p).resolves.toBeUndefined();
  });
});
