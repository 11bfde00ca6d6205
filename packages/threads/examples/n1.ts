/**
 * Seed n1, "Hilo funcional (rudimentario)": one `Thread` with a target task, started and joined.
 * The task and the main code share one file, as in the course: the worker imports this module to
 * run `task`, and `isMainModule` keeps it from running the main code again. cc's `join()` gives the
 * task's output (15129).
 *
 * Run: `pnpm exec tsx examples/n1.ts` (the task sleeps 5000 ms, as in the course;
 * `--sleep-ms 100` shortens it).
 *
 * @module
 */
import { defineTask, isMainModule } from "@cc/core";
import { Thread } from "../mod.ts";
import { sleepMsFromArgv } from "./_args.ts";

/** The course's task: prints its progress, sleeps `sleepMs` (the course: 5 s), returns `id ** 2`. */
export async function task(id: number, sleepMs = 5000): Promise<number> {
  console.log(`Task started: ${id}`);
  console.log(`Task ${id} waiting...`);
  await new Promise((resolve) => setTimeout(resolve, sleepMs));
  console.log(`Task ${id} completed`);
  return id ** 2;
}

/** Options of {@linkcode main}. */
export interface MainOptions {
  /**
   * How long the task sleeps, in milliseconds.
   *
   * @default {5000}
   */
  sleepMs?: number;
}

/** The course's `__main__` block; resolves with the thread's output. */
export async function main(options: MainOptions = {}): Promise<number> {
  const { sleepMs = 5000 } = options;

  // 1. Define the thread (with the target task)
  const t = new Thread({ target: defineTask(import.meta.url, task), args: [123, sleepMs] });

  console.log("Initializing threads...");
  // 2. Start the thread
  t.start();

  console.log("Waiting threads...");

  // 3. Wait for the thread to finish (cc's join gives the output)
  const output = await t.join();

  console.log("Threads has been finished");
  return output;
}

if (isMainModule(import.meta)) await main({ sleepMs: sleepMsFromArgv() });
