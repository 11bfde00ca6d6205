/**
 * Seed n6, "Hilos con Valores Futuros (Generalizado)": six futures, callbacks that collect
 * `(id, future)` pairs, then `wait` and `asCompleted`. The course's version has three bugs (see
 * the package README); this one is race-free and pairs each id with its own result. The producer
 * is an async function in the same process (a thread-based variant comes with `@cc/threads`).
 *
 * Run: `pnpm exec tsx examples/n6.ts` (each task "sleeps" 5000 ms, as in the course).
 *
 * @module
 */
import { isMainModule } from "@cc/core";
import { asCompleted, type DoneCallback, Future, wait } from "../mod.ts";

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

/** The course's `__main__` block, corrected; resolves with the `[id, output]` pairs it prints. */
export async function main(options: TaskOptions = {}): Promise<[number, number][]> {
  const futuresAndIds: [number, Future<number>][] = [];
  const inputs = [123, 456, 789, 111, 222, 333];

  // Each arrow function gets its own `id` (the course's lambda saw only the last one), and the
  // futures are kept as they are created: the course took them from `futures_and_ids`, which is
  // still empty at that point because no callback has run yet.
  const futures = inputs.map((id) => taskInFuture(id, (future) => futuresAndIds.push([id, future]), options));

  await wait(futures); // every done callback has run now: futuresAndIds is complete

  // asCompleted yields futures in completion order; look each one's id up instead of zipping.
  const idOf = new Map(futuresAndIds.map(([id, future]) => [future, id]));
  const outputs: [number, number][] = [];
  for await (const future of asCompleted(futures)) {
    outputs.push([idOf.get(future)!, future.resultNow()]);
  }

  console.log(`[${outputs.map(([id, output]) => `(${id}, ${output})`).join(", ")}]`);
  return outputs;
}

if (isMainModule(import.meta)) {
  await main();
}
