// Test helpers for the examples: what the main thread printed (console.log) and what the worker
// threads printed (their stdout is piped into this process's stdout).
import { format } from "node:util";
import { vi } from "vitest";

/** Captures printed lines until `stop()`: `main` from console.log, `workers` from process.stdout. */
export function capture(): { main: string[]; workers: string[]; stop(): void } {
  const main: string[] = [];
  const workers: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    main.push(format(...args));
  });
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    workers.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  });
  return {
    main,
    workers,
    stop() {
      log.mockRestore();
      write.mockRestore();
    },
  };
}

/** The six ids of the course and their outputs. */
export const IDS = [123, 456, 789, 111, 222, 333];
export const OUTPUTS = [15129, 207936, 622521, 12321, 49284, 110889];

/** The three lines `task(id)` prints, in order. */
export function taskLines(id: number): string[] {
  return [`Task started: ${id}`, `Task ${id} waiting...`, `Task ${id} completed`];
}

/** True if `lines` holds each of `task(id)`'s three lines once, in order, for every id (any interleaving). */
export function hasTaskLinesOf(lines: readonly string[], ids: readonly number[]): boolean {
  const expected = ids.flatMap(taskLines);
  if (lines.length !== expected.length || [...lines].sort().join("\n") !== [...expected].sort().join("\n")) {
    return false;
  }
  return ids.every((id) => {
    const [a, b, c] = taskLines(id).map((line) => lines.indexOf(line));
    return a! < b! && b! < c!;
  });
}
