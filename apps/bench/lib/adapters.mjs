// One adapter per pool: load() imports the library (timed apart in G), create(mod, size) returns
// { run(taskName, arg) -> Promise | thenable, destroy() -> Promise }. `pkg` names the npm package
// for the version column (null for cc's workspace packages and the raw designs).
import { createMessagePool, createSabPool } from "./raw.mjs";
import { createForkPool } from "./raw_fork.mjs";

const worker = (file) => new URL(`../workers/${file}`, import.meta.url);

export const POOLS = {
  cc: {
    pkg: "@cc/executors",
    async load() {
      const [executors, core] = await Promise.all([import("@cc/executors"), import("@cc/core")]);
      return { ThreadPoolExecutor: executors.ThreadPoolExecutor, task: core.task };
    },
    create({ ThreadPoolExecutor, task }, size) {
      const pool = new ThreadPoolExecutor({ maxWorkers: size });
      const tasks = { inc: task(worker("cc_tasks.mjs"), "inc"), cpu: task(worker("cc_tasks.mjs"), "cpu") };
      // submit() returns a Future, which is awaitable: Promise.all and await take it as it is.
      return { run: (t, x) => pool.submit(tasks[t], x), destroy: () => pool.shutdown() };
    },
  },
  "cc-spin": {
    pkg: "@cc/executors",
    load: () => POOLS.cc.load(),
    create({ ThreadPoolExecutor, task }, size) {
      // the opt-in low-latency mode: workers and the host poll for 1 ms instead of sleeping
      const pool = new ThreadPoolExecutor({ maxWorkers: size, spinMs: 1 });
      const tasks = { inc: task(worker("cc_tasks.mjs"), "inc"), cpu: task(worker("cc_tasks.mjs"), "cpu") };
      return { run: (t, x) => pool.submit(tasks[t], x), destroy: () => pool.shutdown() };
    },
  },
  "cc-process": {
    pkg: "@cc/processes",
    async load() {
      const [processes, core] = await Promise.all([import("@cc/processes"), import("@cc/core")]);
      return { ProcessPoolExecutor: processes.ProcessPoolExecutor, task: core.task };
    },
    create({ ProcessPoolExecutor, task }, size) {
      // child processes instead of threads: for the cold start of a process (G with --adapter cc-process)
      const pool = new ProcessPoolExecutor({ maxWorkers: size });
      const tasks = { inc: task(worker("cc_tasks.mjs"), "inc"), cpu: task(worker("cc_tasks.mjs"), "cpu") };
      return { run: (t, x) => pool.submit(tasks[t], x), destroy: () => pool.shutdown() };
    },
  },
  piscina: {
    pkg: "piscina",
    load: () => import("piscina"),
    create({ Piscina }, size) {
      const pool = new Piscina({ filename: worker("peer_tasks.mjs").href, minThreads: size, maxThreads: size });
      return { run: (t, x) => pool.run(x, { name: t }), destroy: () => pool.destroy() };
    },
  },
  tinypool: {
    pkg: "tinypool",
    load: () => import("tinypool"),
    create({ Tinypool }, size) {
      const pool = new Tinypool({ filename: worker("peer_tasks.mjs").href, minThreads: size, maxThreads: size });
      return { run: (t, x) => pool.run(x, { name: t }), destroy: () => pool.destroy() };
    },
  },
  workerpool: {
    pkg: "workerpool",
    load: () => import("workerpool"),
    create(mod, size) {
      const pool = mod.default.pool(worker("workerpool.mjs").pathname, {
        minWorkers: size,
        maxWorkers: size,
        workerType: "thread",
      });
      return { run: (t, x) => pool.exec(t, [x]), destroy: () => pool.terminate() };
    },
  },
  threads: {
    pkg: "threads",
    load: () => import("threads"),
    create({ spawn, Pool, Worker }, size) {
      // threads.js resolves a relative worker path against the calling file (this one).
      const pool = Pool(() => spawn(new Worker("../workers/threads.mjs")), size);
      return { run: (t, x) => pool.queue((w) => w[t](x)), destroy: () => pool.terminate(true) };
    },
  },
  poolifier: {
    pkg: "poolifier",
    load: () => import("poolifier"),
    create({ FixedThreadPool }, size) {
      const pool = new FixedThreadPool(size, worker("poolifier.mjs").pathname);
      return { run: (t, x) => pool.execute(x, t), destroy: () => pool.destroy() };
    },
  },
  "raw-naive": { pkg: null, load: async () => null, create: (_, size) => createMessagePool(size, 1) },
  "raw-batch64": { pkg: null, load: async () => null, create: (_, size) => createMessagePool(size, 64) },
  "raw-sab": { pkg: null, load: async () => null, create: (_, size) => createSabPool(size) },
  // child processes, one IPC message per task (issue 15's limit for cc-process): JSON or v8 serialization
  "fork-json": { pkg: null, load: async () => null, create: (_, size) => createForkPool(size) },
  "fork-advanced": {
    pkg: null,
    load: async () => null,
    create: (_, size) => createForkPool(size, { serialization: "advanced" }),
  },
};
