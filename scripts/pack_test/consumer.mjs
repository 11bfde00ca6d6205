// The TypeScript consumer program of the packed-install test (pack_test.mjs): what docs/USING.md tells
// a TypeScript user per Node version. `main.ts` uses `await using` (tsc lowers it for Node 20 and 22
// with target ES2022 and lib esnext.disposable; Node 24+ runs it natively, also as `node main.ts`), and
// submits tasks of `ts_tasks.ts`, which only a real TypeScript transform loads (an enum, a parameter
// property), to a thread pool and a process pool: cc compiles them in the workers.

export const consumerTasks = `export enum Scale {
  Ten = 10,
}

class Scaler {
  constructor(readonly factor: number) {}
  apply(n: number): number {
    return n * this.factor;
  }
}

export function scale(n: number): number {
  return new Scaler(Scale.Ten).apply(n);
}
`;

export const consumerProgram = `import assert from "node:assert/strict";
import { isMainModule, task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";
import { ProcessPoolExecutor } from "@cc/processes";

// the tasks live in their own TypeScript module, beside this file's source (main.ts or dist/main.js)
const here = new URL(".", import.meta.url);
const tasks = new URL(here.pathname.endsWith("/dist/") ? "../ts_tasks.ts" : "./ts_tasks.ts", here);
const scale = task<(n: number) => number>(tasks, "scale");

if (isMainModule(import.meta)) {
  {
    await using threads = new ThreadPoolExecutor({ maxWorkers: 2 });
    await using processes = new ProcessPoolExecutor({ maxWorkers: 1 });
    assert.equal(await threads.submit(scale, 4), 40);
    assert.equal(await processes.submit(scale, 5), 50);
  }
  console.log("ok");
}
`;
