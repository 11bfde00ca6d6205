// What the packed-install test runs in each empty project: an ESM program (`program.mjs`), a TypeScript
// consumer type-checked with `moduleResolution: nodenext` (`consumer.ts`), and a vitest test of the
// consumer (`consumer.test.ts`). Each imports only the package under test and its own cc dependencies.
// Programs print "ok"; the runs in worker threads and child processes check `threadId` and `pid`.
// `all` installs the six together and type-checks every declaration file (no skipLibCheck).

const preamble = `import assert from "node:assert/strict";\nconst tasks = new URL("./tasks.js", import.meta.url);\n`;

/**
 * Run with `--enable-source-maps`: a stack trace through the installed `dist` names the package's `.ts`
 * sources, and those files exist (the maps point at shipped files).
 */
const stackCheck = `import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { task } from "@cc/core";
let stack = "";
try {
  task(import.meta.url, "not an identifier");
} catch (e) {
  stack = String(e.stack);
}
const files = [...stack.matchAll(/\\(((?:file:\\/\\/)?[^():]+\\/node_modules\\/@cc\\/core\\/[^():]+):\\d+:\\d+\\)/g)].map((m) => m[1]);
assert.ok(files.length > 0 && files.every((f) => f.endsWith(".ts")), \`frames in @cc/core name its .ts sources:\\n\${stack}\`);
for (const f of files) assert.ok(existsSync(f.startsWith("file:") ? fileURLToPath(f) : f), \`\${f} exists\`);
console.log("ok");
`;

/** @type {Record<string, { program: string, consumer: string, test: string, stack?: string }>} */
export const fixtures = {
  "@cc/core": {
    program: `${preamble}import { CancelledError, isMainModule, spawnWorker, task, WorkerConnection } from "@cc/core";
assert.equal(isMainModule(import.meta), true);
assert.ok(new CancelledError() instanceof Error);
const square = task(tasks, "square");
const where = task(tasks, "where");
for (const kind of ["thread", "process"]) {
  const connection = new WorkerConnection(spawnWorker({ kind }));
  assert.deepEqual(await Promise.all([1, 2, 3].map((x) => connection.run(square, [x]))), [1, 4, 9]);
  const at = await connection.run(where, []);
  if (kind === "thread") assert.ok(at.pid === process.pid && at.threadId > 0, "a worker thread");
  else assert.notEqual(at.pid, process.pid, "a child process");
  await connection.close();
}
console.log("ok");
`,
    consumer: `import { isMainModule, task, type Task, TimeoutError } from "@cc/core";
import type { square } from "./tasks.js";
const t: Task<[number], number> = task<typeof square>(new URL("./tasks.js", import.meta.url), "square");
// @ts-expect-error a task of (x: number) => number takes one number
const wrong: Task<[string], number> = t;
export const checks = [isMainModule(import.meta), new TimeoutError("t") instanceof Error, wrong];
`,
    stack: stackCheck,
    test: `import { spawnWorker, task, WorkerConnection } from "@cc/core";
import { expect, test } from "vitest";
import type { square } from "./tasks.js";
test("a task runs in a worker thread from the installed dist", async () => {
  const connection = new WorkerConnection(spawnWorker());
  const t = task<typeof square>(new URL("./tasks.js", import.meta.url), "square");
  expect(await connection.run(t, [7])).toBe(49);
  await connection.close();
});
`,
  },
  "@cc/futures": {
    program: `${preamble}import { asCompleted, Future, wait } from "@cc/futures";
const f = new Future();
setTimeout(() => f.setResult(42), 1);
const { done } = await wait([f]);
assert.equal(done.size, 1);
for await (const g of asCompleted([f])) assert.equal(await g.result(), 42);
assert.ok(f instanceof Promise);
console.log("ok");
`,
    consumer: `import { FIRST_COMPLETED, Future, wait } from "@cc/futures";
const f = new Future<number>();
f.setResult(1);
// @ts-expect-error a Future<number> takes a number
f.setResult("one");
export const done: Promise<number> = wait([f], { returnWhen: FIRST_COMPLETED }).then(() => f.result());
`,
    test: `import { Future } from "@cc/futures";
import { expect, test } from "vitest";
test("a future settles", async () => {
  const f = new Future<string>();
  f.setResult("x");
  expect(await f).toBe("x");
});
`,
  },
  "@cc/threads": {
    program: `${preamble}import { task } from "@cc/core";
import { Lock, Thread } from "@cc/threads";
const t = new Thread({ target: task(tasks, "where") });
t.start();
const at = await t.join();
assert.ok(at.pid === process.pid && at.threadId > 0, "a worker thread");
const lock = new Lock();
await lock.acquire();
assert.equal(lock.locked(), true);
lock.release();
console.log("ok");
`,
    consumer: `import { task } from "@cc/core";
import { Semaphore, Thread } from "@cc/threads";
import type { square } from "./tasks.js";
const t = new Thread({ target: task<typeof square>(new URL("./tasks.js", import.meta.url), "square"), args: [3] });
// @ts-expect-error square takes a number
new Thread({ target: task<typeof square>(new URL("./tasks.js", import.meta.url), "square"), args: ["3"] });
export const out: Promise<number | undefined> = t.join();
export const sem = new Semaphore(2);
`,
    test: `import { task } from "@cc/core";
import { Thread } from "@cc/threads";
import { expect, test } from "vitest";
import type { square } from "./tasks.js";
test("a thread runs a task from the installed dist", async () => {
  const t = new Thread({ target: task<typeof square>(new URL("./tasks.js", import.meta.url), "square"), args: [5] });
  t.start();
  expect(await t.join()).toBe(25);
});
`,
  },
  "@cc/async": {
    program: `${preamble}import { gather, limit, sleep, TaskGroup } from "@cc/async";
assert.deepEqual(await gather([sleep(1).then(() => 1), Promise.resolve(2)]), [1, 2]);
const lim = limit(1);
assert.deepEqual(await Promise.all([1, 2].map((x) => lim(async (y) => y * 2, x))), [2, 4]);
let ran = false;
await TaskGroup.run((tg) => {
  tg.createTask(() => sleep(1).then(() => (ran = true)));
});
assert.equal(ran, true, "the task group waited for its task");
console.log("ok");
`,
    consumer: `import { gather, limit, sleep } from "@cc/async";
const pair: Promise<[number, string]> = gather([Promise.resolve(1), Promise.resolve("a")] as const);
const lim = limit(2);
// @ts-expect-error the function takes a number
lim(async (x: number) => x, "x");
export const both = Promise.all([pair, sleep(10)]);
`,
    test: `import { gather } from "@cc/async";
import { expect, test } from "vitest";
test("gather", async () => {
  expect(await gather([Promise.resolve(1), Promise.resolve(2)])).toEqual([1, 2]);
});
`,
  },
  "@cc/executors": {
    program: `${preamble}import { task } from "@cc/core";
import { PoolExecutor, ThreadPoolExecutor } from "@cc/executors";
const threads = new ThreadPoolExecutor({ maxWorkers: 2 });
assert.equal(await threads.submit(task(tasks, "square"), 12), 144);
const results = [];
for await (const r of threads.map(task(tasks, "square"), [1, 2, 3])) results.push(r);
assert.deepEqual(results, [1, 4, 9]);
const at = await threads.submit(task(tasks, "where"));
assert.ok(at.pid === process.pid && at.threadId > 0, "a worker thread");
await threads.shutdown();
const processes = new PoolExecutor("process", { maxWorkers: 1 });
assert.notEqual((await processes.submit(task(tasks, "where"))).pid, process.pid, "a child process");
await processes.shutdown();
console.log("ok");
`,
    consumer: `import { task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";
import type { square } from "./tasks.js";
const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
const t = task<typeof square>(new URL("./tasks.js", import.meta.url), "square");
export const n: Promise<number> = executor.submit(t, 3).result();
// @ts-expect-error square takes a number
executor.submit(t, "3");
`,
    test: `import { task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";
import { expect, test } from "vitest";
import type { square } from "./tasks.js";
test("a thread pool runs a task from the installed dist", async () => {
  const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  const t = task<typeof square>(new URL("./tasks.js", import.meta.url), "square");
  expect(await executor.submit(t, 6)).toBe(36);
  await executor.shutdown();
});
test("a TypeScript task module loads in the worker with the project's tsx (docs/USING.md)", async () => {
  const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
  const t = task<typeof square>(new URL("./typed_tasks.ts", import.meta.url), "square");
  expect(await executor.submit(t, 7)).toBe(49);
  await executor.shutdown();
});
`,
  },
  "@cc/processes": {
    program: `${preamble}import { task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";
import { Pool, ProcessPoolExecutor } from "@cc/processes";
const ppe = new ProcessPoolExecutor({ maxWorkers: 1 });
assert.equal(await ppe.submit(task(tasks, "square"), 9), 81);
assert.notEqual((await ppe.submit(task(tasks, "where"))).pid, process.pid, "a child process");
await ppe.shutdown();
const pool = new Pool({ processes: 1 });
assert.deepEqual(await pool.map(task(tasks, "square"), [1, 2, 3]), [1, 4, 9]);
pool.close();
await pool.join();
const threads = new ThreadPoolExecutor({ maxWorkers: 1 });
const at = await threads.submit(task(tasks, "where"));
assert.ok(at.pid === process.pid && at.threadId > 0, "a worker thread");
await threads.shutdown();
console.log("ok");
`,
    consumer: `import { task } from "@cc/core";
import { Pool, ProcessPoolExecutor } from "@cc/processes";
import type { square } from "./tasks.js";
const t = task<typeof square>(new URL("./tasks.js", import.meta.url), "square");
export const a: Promise<number[]> = new Pool({ processes: 1 }).map(t, [1, 2]);
const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
// @ts-expect-error square takes a number
executor.submit(t, "3");
`,
    test: `import { task } from "@cc/core";
import { ProcessPoolExecutor } from "@cc/processes";
import { expect, test } from "vitest";
import type { square } from "./tasks.js";
test("a process pool runs a task from the installed dist", async () => {
  const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
  const t = task<typeof square>(new URL("./tasks.js", import.meta.url), "square");
  expect(await executor.submit(t, 4)).toBe(16);
  await executor.shutdown();
});
test("a TypeScript task module loads in the child with the project's tsx (docs/USING.md)", async () => {
  const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
  const t = task<typeof square>(new URL("./typed_tasks.ts", import.meta.url), "square");
  expect(await executor.submit(t, 8)).toBe(64);
  await executor.shutdown();
});
`,
  },
  "@cc/distributed": {
    // with a real Redis when redis-server is there (scripts/_redis.mjs): the installed cc-worker bin runs a
    // task for the installed DistributedExecutor
    program: `${preamble}import { spawn } from "node:child_process";
import { join } from "node:path";
import { task } from "@cc/core";
import { currentJob, DistributedExecutor } from "@cc/distributed";
const { startRedis } = await import(${JSON.stringify(new URL("../_redis.mjs", import.meta.url).href)});
assert.equal(currentJob(), undefined);
assert.throws(() => new DistributedExecutor({ connection: "nope" }), TypeError);
const redis = await startRedis({ quiet: true }); // stdout and stderr must say only "ok"
if (redis) {
  const bin = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "node_modules", ".bin", "cc-worker");
  const worker = spawn(bin, ["--redis", redis.url, "--tasks", "./tasks.js", "--concurrency", "1"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((resolve, reject) => {
    let out = "";
    worker.stdout.on("data", (c) => (out += c).includes("cc-worker ready") && resolve());
    worker.once("exit", (code) => reject(new Error("cc-worker exited " + code + ": " + out)));
  });
  const executor = new DistributedExecutor({ connection: redis.url });
  assert.equal(await executor.submit(task(tasks, "square"), 12), 144);
  await executor.shutdown();
  worker.kill("SIGTERM");
  await new Promise((resolve) => worker.once("exit", resolve));
  await redis.stop();
}
console.log("ok");
`,
    consumer: `import { task } from "@cc/core";
import { currentJob, DistributedExecutor, type JobInfo, TaskWorker } from "@cc/distributed";
import type { square } from "./tasks.js";
export function make(url: string): Promise<number> {
  const executor = new DistributedExecutor({ connection: url, queue: "q" });
  const t = task<typeof square>(new URL("./tasks.js", import.meta.url), "square");
  // @ts-expect-error square takes a number
  executor.submit(t, "3");
  return executor.submit(t, 3).result();
}
export const job: JobInfo | undefined = currentJob();
export const start: typeof TaskWorker.start = TaskWorker.start;
`,
    test: `import { currentJob, DistributedExecutor } from "@cc/distributed";
import { expect, test } from "vitest";
test("the installed @cc/distributed loads; currentJob() is undefined outside a job; a bad connection is a TypeError", () => {
  expect(currentJob()).toBeUndefined();
  expect(() => new DistributedExecutor({ connection: "nope" })).toThrow(TypeError);
});
`,
  },
};

/** A TypeScript task module (with a parameter property, which only a real compiler such as tsx accepts). */
export const typedTasks = `class Scale {
  constructor(readonly factor: number) {}
}
export function square(x: number): number {
  return x * new Scale(x).factor;
}
`;

/** A consumer of all six packages, installed together, type-checked without skipLibCheck. */
export const allConsumer = `export * as async from "@cc/async";
export * as core from "@cc/core";
export * as executors from "@cc/executors";
export * as futures from "@cc/futures";
export * as processes from "@cc/processes";
export * as threads from "@cc/threads";
`;
