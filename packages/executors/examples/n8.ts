// The course's n8: the same pool over a list of inputs; cc adds `map`, which yields in input order.
// Run: `tsx examples/n8.ts` (or `CC_SLEEP_MS=100 tsx examples/n8.ts`).
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

/** The same task with the sleep bound, so it takes one argument (for `map`). */
export function quickTask(id: number): Promise<number> {
  return taskFn(id, Number(process.env.CC_SLEEP_MS ?? 5000));
}

const squareTask = task<typeof taskFn>(import.meta.url, "taskFn");
const quickSquareTask = task<typeof quickTask>(import.meta.url, "quickTask");

/** Submits one task per input, waits, reads the results; then the same with `map`. */
export async function main(options: { sleepMs?: number } = {}): Promise<{ outputs: number[]; mapped: number[] }> {
  const { sleepMs = 5000 } = options;
  await using executor1 = new ThreadPoolExecutor({ maxWorkers: 4 });
  const inputs = [123, 456, 789, 111, 222, 333];
  const futures = inputs.map((id) => executor1.submit(squareTask, id, sleepMs));
  await wait(futures);
  const outputs = futures.map((future) => future.resultNow());
  console.log(outputs);
  const mapped: number[] = [];
  for await (const output of executor1.map(quickSquareTask, inputs)) mapped.push(output);
  console.log(mapped);
  return { outputs, mapped };
}

if (isMainModule(import.meta)) {
  await main({ sleepMs: Number(process.env.CC_SLEEP_MS ?? 5000) });
}
