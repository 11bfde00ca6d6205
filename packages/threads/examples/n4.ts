/**
 * Seed n4, "Hilo orientado a objetos (Generalizado)": the `Thread` subclass of n3 over a list;
 * outputs read from `t.output` after every `join()`, as the course does.
 *
 * Run: `pnpm exec tsx examples/n4.ts` (each task sleeps 5000 ms; `--sleep-ms 100` shortens it).
 *
 * @module
 */
import { isMainModule } from "@cc/core";
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

/** The course's `MyTaskInThread`: runs `task(this.id)` in its worker and keeps the result in `output`. */
export class MyTaskInThread extends Thread {
  /** Where the worker loads this class from. */
  static override module = import.meta.url;

  id: number;
  output: number | undefined = undefined;

  constructor(
    id: number,
    readonly sleepMs = 5000,
  ) {
    super();
    this.id = id;
  }

  override async run(): Promise<void> {
    this.output = await task(this.id, this.sleepMs);
  }
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
export async function main(options: MainOptions = {}): Promise<(number | undefined)[]> {
  const { sleepMs = 5000 } = options;
  console.log("Defining threads...");

  const inputs = [123, 456, 789, 111, 222, 333];

  console.log("inputs:", pyList(inputs));

  // 1. Define the threads (object-oriented)
  const threads = inputs.map((id) => new MyTaskInThread(id, sleepMs));

  console.log("Starting threads...");

  // 2. Start the threads
  for (const t of threads) t.start();

  console.log("Waiting threads...");

  // 3. Wait for the threads
  for (const t of threads) await t.join();

  console.log("Threads is already finish");

  const outputs = threads.map((t) => t.output);

  console.log("outputs:", pyList(outputs));
  return outputs;
}

if (isMainModule(import.meta)) await main({ sleepMs: sleepMsFromArgv() });
