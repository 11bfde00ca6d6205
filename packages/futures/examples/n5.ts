/**
 * Seed n5, "Hilos con Valores Futuros": a `Future` completed by a producer, with a done callback
 * that prints the result. The course completes each future from a thread; here the producer is an
 * async function in the same process (a thread-based variant comes with `@cc/threads`).
 *
 * Run: `pnpm exec tsx examples/n5.ts` (each task "sleeps" 5000 ms, as in the course).
 *
 * @module
 */
import { isMainModule } from "@cc/core";
import { type DoneCallback, Future, wait } from "../mod.ts";

/** Options of {@linkcode task} and {@linkcode main}. */
export interface TaskOptions {
  /**
   * How long each task "sleeps", in milliseconds.
   *
   * @default {5000}
   */
  delay?: number;
}

/** The course's task: prints its progress, sleeps, and returns `id ** 2`. */
export async function task(id: number, options: TaskOptions = {}): Promise<number> {
  const { delay = 5000 } = options;
  console.log(`Task started: ${id}`);
  console.log(`Task ${id} waiting...`);
  await new Promise((resolve) => setTimeout(resolve, delay));
  console.log(`Task ${id} completed`);
  return id ** 2;
}

/** Runs `task(id)` with a producer that completes the returned future; `callback` runs when it is done. */
export function taskInFuture(id: number, callback: DoneCallback<number>, options: TaskOptions = {}): Future<number> {
  const outputFuture = new Future<number>();
  outputFuture.addDoneCallback(callback);
  // The course's `in_thread`: run the task, then set the future's result.
  const inProducer = async () => {
    if (!outputFuture.setRunningOrNotifyCancel()) return;
    try {
      outputFuture.setResult(await task(id, options));
    } catch (error) {
      outputFuture.setException(error);
    }
  };
  void inProducer();
  return outputFuture;
}

/** The course's `__main__` block; resolves with the six outputs once every task is done. */
export async function main(options: TaskOptions = {}): Promise<number[]> {
  const futures = [
    taskInFuture(123, (future) => console.log("Task 1:", future.resultNow()), options),
    taskInFuture(456, (future) => console.log("Task 2:", future.resultNow()), options),
    taskInFuture(789, (future) => console.log("Task 3:", future.resultNow()), options),
    taskInFuture(111, (future) => console.log("Task 4:", future.resultNow()), options),
    taskInFuture(222, (future) => console.log("Task 5:", future.resultNow()), options),
    taskInFuture(333, (future) => console.log("Task 6:", future.resultNow()), options),
  ];
  // Python's program ends when its threads do; here main waits for the futures.
  await wait(futures);
  return futures.map((future) => future.resultNow());
}

if (isMainModule(import.meta)) {
  await main();
}
