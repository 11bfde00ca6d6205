import { type Task, TimeoutError } from "@cc/core";
import { Future } from "@cc/futures";
import { describe, expect, it } from "vitest";
import { type ChunkSubmitter, runMap } from "./_map.ts";

/** An executor whose futures the test settles by hand. */
function handExecutor() {
  const submitted: { arg: unknown; future: Future<unknown> }[] = [];
  const executor: ChunkSubmitter = {
    submit(_task: Task, ...args: unknown[]) {
      const future = new Future<unknown>();
      submitted.push({ arg: args[0], future });
      return future;
    },
    _submitChunk<R>(_task: Task, chunk: unknown[][]) {
      const future = new Future<R[]>();
      submitted.push({ arg: chunk.map((a) => a[0]), future: future as Future<unknown> });
      return future;
    },
  };
  return { executor, submitted };
}

const task = { url: "file:///tasks.js", name: "double" } as Task;
const turns = () => new Promise((resolve) => setImmediate(resolve));

/** An input that records what was read and whether it was closed. */
function recordingInput(n: number) {
  const state = { created: 0, read: 0, closed: false };
  const iterable: Iterable<number> = {
    [Symbol.iterator]() {
      state.created++;
      let i = 0;
      return {
        next: () => {
          if (i >= n) return { value: undefined, done: true };
          state.read++;
          return { value: i++, done: false };
        },
        return: () => {
          state.closed = true;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { iterable, state };
}

describe("runMap(), unordered", () => {
  it("yields in completion order, keeping at most buffersize in flight", async () => {
    const { executor, submitted } = handExecutor();
    const it = runMap<number, number>(executor, task, [1, 2, 3, 4, 5], { buffersize: 3 }, 1, false);
    const first = it.next();
    await turns();
    expect(submitted.map((s) => s.arg)).toEqual([1, 2, 3]);
    submitted[2]!.future.setResult(30);
    expect(await first).toEqual({ value: 30, done: false });
    await turns();
    expect(submitted).toHaveLength(4); // one finished, one more read
    submitted[0]!.future.setResult(10);
    expect((await it.next()).value).toBe(10);
    for (const s of submitted.slice(1)) if (!s.future.done()) s.future.setResult((s.arg as number) * 10);
    const rest: number[] = [];
    for (;;) {
      await turns();
      for (const s of submitted) if (!s.future.done()) s.future.setResult((s.arg as number) * 10);
      const step = await it.next();
      if (step.done) break;
      rest.push(step.value);
    }
    expect(rest.sort()).toEqual([20, 40, 50]);
  });

  it("a timeout while waiting for the next to finish fails the loop, cancels the rest, closes the input", async () => {
    const { executor, submitted } = handExecutor();
    const { iterable, state } = recordingInput(100);
    const it = runMap<number, number>(executor, task, iterable, { timeout: 20, buffersize: 2 }, 1, false);
    const error = await it.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/^imapUnordered\(\) timed out/);
    expect(submitted.every((s) => s.future.cancelled())).toBe(true);
    expect(state.closed).toBe(true);
  });

  it("an abort while waiting rejects with the reason; a late result is ignored", async () => {
    const { executor, submitted } = handExecutor();
    const controller = new AbortController();
    const it = runMap<number, number>(executor, task, [1, 2], { signal: controller.signal }, 1, false);
    const next = it.next();
    await turns();
    controller.abort(new Error("stop"));
    await expect(next).rejects.toThrow("stop");
    expect(submitted.every((s) => s.future.cancelled())).toBe(true);
  });
});

describe("runMap()", () => {
  it("opens the input only on the first next(): a map closed first never reads it", async () => {
    const { executor } = handExecutor();
    const { iterable, state } = recordingInput(10);
    const it = runMap<number, number>(executor, task, iterable, {}, 1);
    await it.return?.();
    expect(state.created).toBe(0);
  });

  it("stops reading the input once its signal aborts, even with results ready", async () => {
    const { executor, submitted } = handExecutor();
    const controller = new AbortController();
    const { iterable, state } = recordingInput(1000);
    const it = runMap<number, number>(executor, task, iterable, { signal: controller.signal, buffersize: 2 }, 1);
    const first = it.next();
    await turns();
    for (const s of submitted) s.future.setResult(0);
    expect((await first).value).toBe(0);
    controller.abort(new Error("stop"));
    const read = state.read;
    await expect(it.next()).rejects.toThrow("stop");
    expect(state.read).toBe(read);
    expect(state.closed).toBe(true);
  });
});
