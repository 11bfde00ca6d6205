import { format } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Future } from "../future.ts";
import { main, taskInFuture } from "./n6.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("examples/n6", () => {
  it("main() pairs each id with its own result and prints the pairs", async () => {
    vi.useFakeTimers();
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const outputs = main({ delay: 50 });
    await vi.advanceTimersByTimeAsync(50);
    await expect(outputs).resolves.toEqual([
      [123, 15129],
      [456, 207936],
      [789, 622521],
      [111, 12321],
      [222, 49284],
      [333, 110889],
    ]);
    const lines = log.mock.calls.map((args) => format(...args));
    expect(lines.at(-1)).toBe(
      "[(123, 15129), (456, 207936), (789, 622521), (111, 12321), (222, 49284), (333, 110889)]",
    );
    expect(lines.filter((line) => line.startsWith("Task started:"))).toHaveLength(6);
    expect(lines.filter((line) => line.endsWith("completed"))).toHaveLength(6);
  });

  it("pairs ids with results even when the tasks finish in another order", async () => {
    vi.useFakeTimers();
    vi.spyOn(console, "log").mockImplementation(() => {});
    const pairs: [number, Future<number>][] = [];
    const slow = taskInFuture(2, (future) => pairs.push([2, future]), { delay: 30 });
    const fast = taskInFuture(3, (future) => pairs.push([3, future]), { delay: 10 });
    await vi.advanceTimersByTimeAsync(30);
    expect(pairs.map(([id, future]) => [id, future.resultNow()])).toEqual([
      [3, 9],
      [2, 4],
    ]);
    expect(pairs.map(([, future]) => future)).toEqual([fast, slow]);
  });
});
