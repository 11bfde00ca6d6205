/**
 * Seed n5, "Hilos con Valores Futuros", with real threads: each task runs in a `Thread`, and the
 * thread's output completes a `Future` whose done callback prints it. A future cannot cross into a
 * worker (it is not cloneable), so the course's `in_thread` — run the task, then `set_result` —
 * is split: the worker runs the task, and the main thread sets the result when `join()` gives it.
 *
 * Run: `pnpm exec tsx examples/n5_threads.ts` (each task sleeps 5000 ms; `--sleep-ms 100` shortens it).
 *
 * @module
 */
import { defineTask, isMainModule } from "@cc/core";
import { type DoneCallback, Future, wait } from "@cc/futures";
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

/**
 * Runs `task(id)` in a new thread and returns a future completed with its output (or error);
 * `callback` runs when it is done. The course returns nothing; the future lets `main` wait.
 */
export function taskInFuture(id: number, callback: DoneCallback<number>, sleepMs = 5000): Future<number> {
  const outputFuture = new Future<number>();

  outputFuture.addDoneCallback(callback);

  const thread = new Thread({ target: defineTask(import.meta.url, task), args: [id, sleepMs] });
  outputFuture.setRunningOrNotifyCancel();
  thread.start();
  thread.join().then(
    (output) => outputFuture.setResult(output),
    (error: unknown) => outputFuture.setException(error),
  );
  return outputFuture;
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

/** The course's `__main__` block; resolves with the six outputs once every future is done. */
export async function main(options: MainOptions = {}): Promise<number[]> {
  const { sleepMs = 5000 } = options;
  const futures = [
    taskInFuture(123, (future) => console.log("Task 1:", future.resultNow()), sleepMs),
    taskInFuture(456, (future) => console.log("Task 2:", future.resultNow()), sleepMs),
    taskInFuture(789, (future) => console.log("Task 3:", future.resultNow()), sleepMs),
    taskInFuture(111, (future) => console.log("Task 4:", future.resultNow()), sleepMs),
    taskInFuture(222, (future) => console.log("Task 5:", future.resultNow()), sleepMs),
    taskInFuture(333, (future) => console.log("Task 6:", future.resultNow()), sleepMs),
  ];
  // Python's program ends when its threads do (they are not daemons); here main also waits for the futures.
  await wait(futures);
  return futures.map((future) => future.resultNow());
}

if (isMainModule(import.meta)) await main({ sleepMs: sleepMsFromArgv() });
