// The course's n7: a ThreadPoolExecutor with 4 threads, six submits, wait, results.
// Run: `tsx examples/n7.ts` (or `CC_SLEEP_MS=100 tsx examples/n7.ts` for a short sleep).
import { isMainModule, task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";
import { wait } from "@cc/futures";

/** The course's task: prints, sleeps `sleepMs` (5 s in the course), returns `id ** 2`. */
export async function taskFn(id: number, sleepMs = 5000): Promise<number> {
  console.log(`Task started: ${id}`);
  console.log(`Task ${id} waiting...`);
  await new Promise((resolve) => setTimeout(resolve, sleepMs));
  console.log(`Task ${id} completed`);
  return id ** 2;
}

const squareTask = task<typeof taskFn>(import.meta.url, "taskFn");

/** Submits the six ids one by one, waits for all, and returns the results in submit order. */
export async function main(options: { sleepMs?: number } = {}): Promise<number[]> {
  const { sleepMs = 5000 } = options;
  // `await using` shuts the pool down at the end of the block (the course never does)
  await using executor1 = new ThreadPoolExecutor({ maxWorkers: 4 });
  const future1 = executor1.submit(squareTask, 123, sleepMs);
  const future2 = executor1.submit(squareTask, 456, sleepMs);
  const future3 = executor1.submit(squareTask, 789, sleepMs);
  const future4 = executor1.submit(squareTask, 111, sleepMs);
  const future5 = executor1.submit(squareTask, 222, sleepMs);
  const future6 = executor1.submit(squareTask, 333, sleepMs);
  await wait([future1, future2, future3, future4, future5, future6]);
  const outputs = [future1, future2, future3, future4, future5, future6].map((future) => future.resultNow());
  console.log(outputs);
  return outputs;
}

if (isMainModule(import.meta)) {
  await main({ sleepMs: Number(process.env.CC_SLEEP_MS ?? 5000) });
}
