/**
 * Seed n3, "Hilo orientado a objetos": a `Thread` subclass that overrides `run()`, six threads made
 * by hand, outputs read from `t.output` after `join()`. The course instantiates `MyTaskInTread`
 * (a typo: NameError before any thread starts); this one runs.
 *
 * `run()` runs in the worker, on a copy of the object: the worker loads the class from
 * `static module` (this file; `isMainModule` keeps the main code from running there), and the
 * fields `run()` set (`output`) are copied back when the thread ends.
 *
 * Run: `pnpm exec tsx examples/n3.ts` (each task sleeps 5000 ms; `--sleep-ms 100` shortens it).
 *
 * @module
 */
import { isMainModule } from "@cc/core";
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

/** The course's `MyTaskInThread`: runs `task(this.id)` and keeps the result in `output`. */
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
    // code here ... or ... code in other place
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

/** The course's `__main__` block (with the class name spelt right); resolves with the six outputs. */
export async function main(options: MainOptions = {}): Promise<(number | undefined)[]> {
  const { sleepMs = 5000 } = options;
  console.log("Defining threads...");

  // 1. Define the threads (object-oriented)
  const t1 = new MyTaskInThread(123, sleepMs);
  const t2 = new MyTaskInThread(456, sleepMs);
  const t3 = new MyTaskInThread(789, sleepMs);
  const t4 = new MyTaskInThread(111, sleepMs);
  const t5 = new MyTaskInThread(222, sleepMs);
  const t6 = new MyTaskInThread(333, sleepMs);

  console.log("Starting threads...");

  // 2. Start the threads
  t1.start();
  t2.start();
  t3.start();
  t4.start();
  t5.start();
  t6.start();

  console.log("Waiting threads...");

  // 3. Wait for the threads
  await t1.join();
  await t2.join();
  await t3.join();
  await t4.join();
  await t5.join();
  await t6.join();

  console.log("Threads is already finish");

  console.log(t1.output);
  console.log(t2.output);
  console.log(t3.output);
  console.log(t4.output);
  console.log(t5.output);
  console.log(t6.output);
  return [t1.output, t2.output, t3.output, t4.output, t5.output, t6.output];
}

if (isMainModule(import.meta)) await main({ sleepMs: sleepMsFromArgv() });
