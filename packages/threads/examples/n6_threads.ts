/**
 * Seed n6, "Hilos con Valores Futuros (Generalizado)", with real threads: six futures completed
 * from six `Thread`s, callbacks that collect `(id, future)` pairs, then `wait` and `asCompleted`.
 * The course's version has three bugs: it reads `futures_and_ids` before any callback has run (so
 * the list is empty), its lambda binds `id` late (every pair would say 333), and it zips the ids
 * with `as_completed`'s futures (completion order, and futures rather than results). This one is
 * race-free and pairs each id with its own result.
 *
 * Run: `pnpm exec tsx examples/n6_threads.ts` (each task sleeps 5000 ms; `--sleep-ms 100` shortens it).
 *
 * @module
 */
import { defineTask, isMainModule } from "@cc/core";
import { asCompleted, type DoneCallback, Future, wait } from "@cc/futures";
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

/** Runs `task(id)` in a new thread; the returned future gets its output, then `callback` runs. */
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

/** The course's `__main__` block, corrected; resolves with the `[id, output]` pairs it prints. */
export async function main(options: MainOptions = {}): Promise<[number, number][]> {
  const { sleepMs = 5000 } = options;
  const futuresAndIds: [number, Future<number>][] = [];
  const inputs = [123, 456, 789, 111, 222, 333];

  // Each arrow function gets its own `id` (the course's lambda saw only the last one), and the
  // futures are kept as they are created: the course took them from `futures_and_ids`, which is
  // still empty at that point because no callback has run yet.
  const futures = inputs.map((id) => taskInFuture(id, (future) => futuresAndIds.push([id, future]), sleepMs));

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

if (isMainModule(import.meta)) await main({ sleepMs: sleepMsFromArgv() });
