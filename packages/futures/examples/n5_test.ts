import { format } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main, task } from "./n5.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function printedLines(spy: { mock: { calls: unknown[][] } }): string[] {
  return spy.mock.calls.map((args) => format(...args));
}

describe("examples/n5", () => {
  it("task() prints its progress and returns id ** 2", async () => {
    vi.useFakeTimers();
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const output = task(123, { delay: 50 });
    await vi.advanceTimersByTimeAsync(50);
    await expect(output).resolves.toBe(15129);
    expect(printedLines(log)).toEqual(["Task started: 123", "Task 123 waiting...", "Task 123 completed"]);
  });

  it("main() prints each result from its done callback and returns the six outputs", async () => {
    vi.useFakeTimers();
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const outputs = main({ delay: 50 });
    await vi.advanceTimersByTimeAsync(50);
    await expect(outputs).resolves.toEqual([15129, 207936, 622521, 12321, 49284, 110889]);
    const ids = [123, 456, 789, 111, 222, 333];
    expect(printedLines(log)).toEqual([
      ...ids.flatMap((id) => [`Task started: ${id}`, `Task ${id} waiting...`]),
      ...ids.flatMap((id, i) => [`Task ${id} completed`, `Task ${i + 1}: ${id ** 2}`]),
    ]);
  });
});
