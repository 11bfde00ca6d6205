// Tasks of the parent-signal tests (signals_test.ts): CPU-bound, saying on stdout when they run.
import { writeFileSync, writeSync } from "node:fs";
import { currentTask } from "@cc/core";

/** Says it is busy, then holds its process's event loop for ever (a CPU loop that never yields). */
export function spin(kind) {
  writeSync(1, `busy ${kind} ${process.pid}\n`);
  for (;;);
}

/**
 * Says it is busy, then computes in slices of 20 ms, yielding between them, until its signal aborts;
 * then says so (it was still alive to clean up) and returns.
 */
export async function spinUntilAborted(kind) {
  const { signal } = currentTask();
  writeSync(1, `busy ${kind} ${process.pid}\n`);
  while (!signal.aborted) {
    const end = Date.now() + 20;
    while (Date.now() < end);
    await new Promise((resolve) => setImmediate(resolve));
  }
  writeSync(1, `stopped ${kind} ${process.pid}\n`);
  return "stopped";
}

/** Writes `<file>.started`, waits until its signal aborts, then writes `file` (its clean-up) and returns. */
export async function cleanUpOnAbort(file) {
  const { signal } = currentTask();
  writeFileSync(`${file}.started`, "");
  await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  writeFileSync(file, String(signal.reason?.message));
  return "cleaned up";
}
