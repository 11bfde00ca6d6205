/**
 * Seed n2, "Hilo funcional (Generalizado)": six threads from a list, started, then joined. The
 * course collects `[t.join() for t in threads]`, six `None`s in Python; cc's `join()` gives each
 * thread's output.
 *
 * Six threads on a 2-core machine is fine (the course warns that more threads than CPUs fail or
 * die: they don't, they share the CPUs).
 *
 * Run: `pnpm exec tsx examples/n2.ts` (each task sleeps 5000 ms; `--sleep-ms 100` shortens it).
 *
 * @module
 */
import { defineTask, isMainModule } from "@cc/core";
import { Thread } from "../mod.ts";
import { pyList, sleepMsFromArgv } from "./_args.ts";

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
   * How long each task sleeps, in milliseconds.
   *
   * @default {5000}
   */
  sleepMs?: number;
}

/** The course's `__main__` block; resolves with the six outputs. */
export async function main(options: MainOptions = {}): Promise<number[]> {
  const { sleepMs = 5000 } = options;

  const inputs = [123, 456, 789, 111, 222, 333];

  console.log("inputs:", pyList(inputs));

  // 1. Define the threads
  const threads = inputs.map((id) => new Thread({ target: defineTask(import.meta.url, task), args: [id, sleepMs] }));

  // 2. Start the threads
  for (const t of threads) t.start();

  // 3. Wait for each thread, in order; each join gives its thread's output
  const outputs: number[] = [];
  for (const t of threads) outputs.push(await t.join());

  console.log("outputs:", pyList(outputs));
  return outputs;
}

if (isMainModule(import.meta)) await main({ sleepMs: sleepMsFromArgv() });
