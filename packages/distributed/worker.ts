/**
 * `TaskWorker`: the engine of the `cc-worker` command. It runs the jobs of a BullMQ queue with the task
 * modules it was started with, and only those.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { availableParallelism, hostname } from "node:os";
import { extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BrokenExecutorError, CancelledError, importTaskModule, TaskLoadError, task } from "@cc/core";
import { ThreadPoolExecutor } from "@cc/executors";
import { ProcessPoolExecutor } from "@cc/processes";
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { decodeValue, encodeThrown, encodeValue } from "./_codec.ts";
import { type Connection, checkConnection, closeConnection, connect } from "./_connect.ts";
import {
  cancelChannel,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE,
  defaultModuleName,
  FIELD_JOB,
  FIELD_OK,
  FIELD_VALUE,
  isExportName,
  type JobData,
  MODULE_NAME,
  resultsKey,
} from "./_protocol.ts";
import { runInProcess, type runJob } from "./_run_job.ts";
import { RunningJob } from "./_running.ts";
import type { JobInfo } from "./job_context.ts";

/** Where a cc-worker runs its tasks. */
export type ExecuteMode = "in-process" | "threads" | "processes";

/** Options of {@linkcode TaskWorker.start} (the `cc-worker` flags). */
export interface TaskWorkerOptions {
  /** Redis: a URL or ioredis options (`--redis`). */
  connection: Connection;
  /** The queue to read (`--queue`). Default: `"cc"`. */
  queue?: string;
  /** BullMQ's key prefix (`--prefix`). Default: `"cc"`. */
  prefix?: string;
  /**
   * The task modules (`--tasks`): paths (relative to `cwd`) or `file:` URLs, each optionally `name=path`.
   * Every function a module exports is a task named `module.export`; nothing else ever runs or loads.
   */
  tasks: readonly string[];
  /** Folder that relative module paths start from. Default: `process.cwd()`. */
  cwd?: string;
  /** Jobs run at once (`--concurrency`). Default: `min(32, CPUs + 4)` in-process (Python's ThreadPoolExecutor), CPUs for threads and processes. */
  concurrency?: number;
  /** Where tasks run (`--execute`): this thread, or a local ThreadPoolExecutor / ProcessPoolExecutor. Default: `"in-process"`. */
  execute?: ExecuteMode;
  /** BullMQ lock duration, ms: a worker that stops renewing its lock this long loses its job. Default: 30000. */
  lockDuration?: number;
  /** BullMQ stalled-job check interval, ms: a lost worker's job runs again after about twice this. Default: 30000. */
  stalledInterval?: number;
  /** Times a job may be lost with its worker and run again before it fails. Default: 1. */
  maxStalledCount?: number;
  /** Watchdog period, ms: restarts BullMQ's Worker when it stopped taking jobs that wait. Default: 10000. */
  watchdogInterval?: number;
  /** Called with one line for each event worth a log (start, restart, hand-back). Default: none. */
  log?: (line: string) => void;
}

/** Options of {@linkcode TaskWorker.close}. */
export interface TaskWorkerCloseOptions {
  /** Milliseconds the jobs running may take to finish; then they are stopped and handed back to the queue. Default: 10000. */
  deadline?: number;
}

interface Entry {
  // biome-ignore lint/suspicious/noExplicitAny: a task's function type is whatever the user wrote.
  readonly fn: (...args: any[]) => unknown;
  readonly url: string;
  readonly exportName: string;
}

type Pool = ThreadPoolExecutor | ProcessPoolExecutor;

const RUN_JOB = task<typeof runJob>(
  new URL(`./_run_job${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
  "runJob",
);

async function loadTasks(specs: readonly string[], cwd: string): Promise<Map<string, Entry>> {
  if (!Array.isArray(specs) || specs.length === 0) throw new TypeError("tasks: name at least one task module");
  const registry = new Map<string, Entry>();
  const modules = new Map<string, string>();
  for (const spec of specs) {
    if (typeof spec !== "string" || spec.length === 0) throw new TypeError(`tasks: bad module ${String(spec)}`);
    const eq = spec.indexOf("=");
    const explicit = eq > 0 && !spec.startsWith("file:") ? spec.slice(0, eq) : undefined;
    const where = explicit === undefined ? spec : spec.slice(eq + 1);
    if (explicit !== undefined && !MODULE_NAME.test(explicit)) {
      throw new TypeError(`tasks: bad module name ${JSON.stringify(explicit)} (letters, digits, _ and -)`);
    }
    const path = where.startsWith("file:") ? fileURLToPath(where) : resolve(cwd, where);
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw new TypeError(`tasks: no module at ${path} (from ${JSON.stringify(spec)})`);
    }
    const name = explicit ?? defaultModuleName(path);
    if (modules.has(name)) {
      throw new TypeError(
        `tasks: two modules named "${name}" (${modules.get(name)} and ${real}): name one, --tasks other=${where}`,
      );
    }
    modules.set(name, real);
    const url = pathToFileURL(real).href;
    const mod = await importTaskModule(url); // TypeScript too, with cc's loader
    let count = 0;
    for (const key of Object.keys(mod)) {
      const fn = mod[key];
      if (typeof fn !== "function" || !isExportName(key) || /^class\b/.test(Function.prototype.toString.call(fn)))
        continue;
      registry.set(`${name}.${key}`, { fn: fn as Entry["fn"], url, exportName: key });
      count++;
    }
    if (count === 0) throw new TypeError(`tasks: ${real} exports no function`);
  }
  return registry;
}

function checkMs(name: string, value: unknown, min = 1): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new TypeError(`${name} must be a number of milliseconds >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Runs jobs from a BullMQ queue with the task modules it was started with (the engine of `cc-worker`):
 * a job names a task `module.export`; a name it does not know fails the job with a `TaskLoadError`
 * and is never imported. Outcomes go to the submitting client's results stream; cancels arrive on the
 * queue's cancel channel.
 *
 * @example
 * ```ts no-run
 * import { TaskWorker } from "@cc/distributed";
 * const worker = await TaskWorker.start({
 *   connection: "redis://127.0.0.1:6379",
 *   tasks: ["./dist/tasks.js"],
 *   execute: "processes",
 *   concurrency: 4,
 * });
 * process.once("SIGTERM", () => void worker.close({ deadline: 10_000 }).then(() => process.exit(0)));
 * ```
 */
export class TaskWorker {
  /** The tasks this worker runs, `module.export`. */
  readonly taskNames: readonly string[];
  readonly #registry: Map<string, Entry>;
  readonly #options: TaskWorkerOptions;
  readonly #queueName: string;
  readonly #prefix: string;
  readonly #cmd: Redis;
  readonly #sub: Redis;
  readonly #out: Redis;
  readonly #concurrency: number;
  readonly #mode: ExecuteMode;
  readonly #running = new Map<string, RunningJob>();
  readonly #recentCancels = new Map<string, number>();
  readonly #expired = new Map<string, number>();
  readonly #log: (line: string) => void;
  #pool: Pool | undefined;
  #worker!: Worker;
  #watchdog: NodeJS.Timeout | undefined;
  #lastStart = Date.now();
  #restarting = false;
  #closing: Promise<void> | undefined;

  private constructor(options: TaskWorkerOptions, registry: Map<string, Entry>) {
    this.#options = options;
    this.#registry = registry;
    this.taskNames = Object.freeze([...registry.keys()]);
    this.#queueName = options.queue ?? DEFAULT_QUEUE;
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#mode = options.execute ?? "in-process";
    // in-process tasks mostly wait on I/O: Python's ThreadPoolExecutor default; pools: one per CPU
    this.#concurrency =
      options.concurrency ??
      (this.#mode === "in-process" ? Math.min(32, availableParallelism() + 4) : availableParallelism());
    this.#log = options.log ?? (() => {});
    this.#cmd = connect(options.connection, `cc-worker:${hostname()}:${process.pid}`);
    this.#sub = connect(options.connection, `cc-worker-cancel:${hostname()}:${process.pid}`);
    // outcomes go out on a connection of their own that pipelines the commands of one tick together
    this.#out = connect(options.connection, `cc-worker-results:${hostname()}:${process.pid}`, {
      enableAutoPipelining: true,
    });
    if (this.#mode === "threads") this.#pool = new ThreadPoolExecutor({ maxWorkers: this.#concurrency });
    if (this.#mode === "processes") this.#pool = new ProcessPoolExecutor({ maxWorkers: this.#concurrency });
  }

  /**
   * Imports the task modules, subscribes to the cancel channel, then starts taking jobs.
   *
   * @example
   * ```ts no-run
   * import { TaskWorker } from "@cc/distributed";
   * const worker = await TaskWorker.start({ connection: "redis://127.0.0.1:6379", tasks: ["pics=./tasks.js"] });
   * console.log(worker.taskNames); // [ "pics.download", … ]
   * await worker.close();
   * ```
   */
  static async start(options: TaskWorkerOptions): Promise<TaskWorker> {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    checkConnection(options.connection);
    const { concurrency, execute } = options;
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
      throw new TypeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
    }
    if (execute !== undefined && execute !== "in-process" && execute !== "threads" && execute !== "processes") {
      throw new TypeError(`execute must be "in-process", "threads" or "processes", got ${String(execute)}`);
    }
    for (const key of ["lockDuration", "stalledInterval", "watchdogInterval"] as const) {
      if (options[key] !== undefined) checkMs(key, options[key], 100);
    }
    const registry = await loadTasks(options.tasks, options.cwd ?? process.cwd());
    const worker = new TaskWorker(options, registry);
    await worker.#begin();
    return worker;
  }

  async #begin(): Promise<void> {
    this.#sub.on("message", (_channel: string, id: string) => this.#onCancel(id));
    await this.#sub.subscribe(cancelChannel(this.#prefix, this.#queueName));
    this.#worker = this.#newWorker();
    await this.#worker.waitUntilReady();
    const every = this.#options.watchdogInterval ?? 10_000;
    this.#watchdog = setInterval(() => void this.#checkWorker(every), every);
    this.#watchdog.unref();
  }

  #newWorker(): Worker {
    const worker = new Worker(this.#queueName, (job, token) => this.#process(job, token), {
      connection: this.#cmd,
      prefix: this.#prefix,
      concurrency: this.#concurrency,
      lockDuration: this.#options.lockDuration ?? 30_000,
      stalledInterval: this.#options.stalledInterval ?? 30_000,
      maxStalledCount: this.#options.maxStalledCount ?? 1,
      name: `cc-worker:${hostname()}:${process.pid}`,
    });
    worker.on("error", () => {});
    return worker;
  }

  #onCancel(id: string): void {
    const now = Date.now();
    this.#recentCancels.set(id, now);
    if (this.#recentCancels.size > 10_000) {
      for (const [k, t] of this.#recentCancels) if (now - t > 300_000) this.#recentCancels.delete(k);
    }
    this.#running.get(id)?.abort(new CancelledError(`job ${id} was cancelled by its client`));
  }

  /** Watchdog for BullMQ Workers that stop taking jobs after a Redis outage (bullmq#4585). */
  async #checkWorker(every: number): Promise<void> {
    if (this.#closing || this.#restarting || this.#cmd.status !== "ready") return;
    try {
      const waiting = await this.#cmd.llen(`${this.#prefix}:${this.#queueName}:wait`);
      const stuck =
        !this.#worker.isRunning() || (waiting > 0 && this.#running.size === 0 && Date.now() - this.#lastStart > every);
      if (!stuck || this.#closing) return;
      this.#restarting = true;
      this.#log(`cc-worker: BullMQ's Worker took no job for ${every} ms while ${waiting} wait: restarting it`);
      const old = this.#worker;
      await raceTimer(old.close(true), 2000);
      if (!this.#closing) {
        this.#lastStart = Date.now();
        this.#worker = this.#newWorker();
      }
    } catch {
      // Redis is away: try again next time
    } finally {
      this.#restarting = false;
    }
  }

  async #process(job: Job, token: string | undefined): Promise<void> {
    this.#lastStart = Date.now();
    const id = job.id!;
    const data = job.data as JobData;
    if (typeof data !== "object" || data === null || typeof data.c !== "string" || !Array.isArray(data.a)) {
      throw new UnrecoverableError(`job ${id} is not a cc job (no client id or arguments)`);
    }
    const key = resultsKey(this.#prefix, this.#queueName, data.c);
    const entry = this.#registry.get(job.name);
    if (entry === undefined) {
      const error = new TaskLoadError(
        `this cc-worker was not started with it (--tasks); it runs ${this.taskNames.join(", ")}`,
        { url: `cc-worker://${hostname()}/${process.pid}`, name: job.name },
      );
      await this.#answer(key, id, false, encodeThrown(error), data.ttl);
      throw new UnrecoverableError(error.message);
    }
    const running = new RunningJob();
    this.#running.set(id, running);
    if (this.#recentCancels.has(id)) running.abort(new CancelledError(`job ${id} was cancelled by its client`));
    const info: JobInfo = { id, attempt: Math.max(1, job.attemptsStarted), name: job.name, queue: this.#queueName };
    try {
      const args = decodeValue(data.a) as unknown[];
      const value = await this.#run(entry, info, args, data, running);
      await this.#answer(key, id, true, encodeValue(value, "result"), data.ttl);
    } catch (error) {
      if (running.handBack) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const attempts = job.opts.attempts ?? 1;
      const final = running.aborted || error instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts;
      if (!final) throw error;
      await this.#answer(key, id, false, encodeThrown(error), data.ttl);
      throw new UnrecoverableError(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    } finally {
      this.#running.delete(id);
    }
  }

  async #run(entry: Entry, info: JobInfo, args: unknown[], data: JobData, running: RunningJob): Promise<unknown> {
    const chunk = data.k === 1;
    const pool = this.#pool;
    if (pool === undefined) {
      return await running.race(runInProcess(entry.fn, info, args, chunk, running), data.t);
    }
    try {
      // the timeout is the job's own (it aborts the signal: the pool stops the task, hard with "terminate")
      const call = pool.submitWith(RUN_JOB, [entry.url, entry.exportName, info, args, chunk], {
        signal: running.signal,
        abort: data.x === 1 ? "terminate" : "signal",
      });
      return await running.race(call, data.t);
    } catch (error) {
      if (error instanceof BrokenExecutorError && this.#pool === pool && !this.#closing) {
        // a ProcessPoolExecutor breaks when a child dies (Python); the next job gets a fresh pool
        void pool.shutdown({ wait: false, cancelFutures: true });
        this.#pool = new ProcessPoolExecutor({ maxWorkers: this.#concurrency });
      }
      throw error;
    }
  }

  /**
   * Writes a job's outcome to its client's results stream, before BullMQ completes the job. The stream's
   * expiry is renewed at most once a second per client (one command per job, not four).
   */
  async #answer(key: string, id: string, ok: boolean, value: unknown, ttl: number): Promise<void> {
    const added = this.#out.xadd(key, "*", FIELD_JOB, id, FIELD_OK, ok ? "1" : "0", FIELD_VALUE, JSON.stringify(value));
    const now = Date.now();
    if ((this.#expired.get(key) ?? 0) + 1000 <= now) {
      if (this.#expired.size > 10_000) this.#expired.clear();
      this.#expired.set(key, now);
      // sent after the XADD on the same connection, so the key exists
      void this.#out.pexpire(key, typeof ttl === "number" && ttl > 0 ? ttl : 86_400_000).catch(() => {});
    }
    await added;
  }

  /**
   * Graceful stop (SIGTERM): takes no more jobs, lets the running ones finish within `deadline`, then
   * stops them and hands them back to the queue (another worker runs them), and closes, never hanging
   * on a Redis that went away. Idempotent.
   *
   * @example
   * ```ts no-run
   * import { TaskWorker } from "@cc/distributed";
   * const worker = await TaskWorker.start({ connection: "redis://127.0.0.1:6379", tasks: ["./tasks.js"] });
   * await worker.close({ deadline: 5000 });
   * ```
   */
  close(options: TaskWorkerCloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.deadline === undefined ? 10_000 : checkMs("deadline", options.deadline, 0));
    return this.#closing;
  }

  async #close(deadline: number): Promise<void> {
    clearInterval(this.#watchdog);
    const worker = this.#worker;
    const closing = worker.close();
    if (!(await raceTimer(closing, deadline))) {
      this.#log(`cc-worker: ${this.#running.size} job(s) still running after ${deadline} ms: handing them back`);
      for (const running of this.#running.values()) {
        running.handBack = true;
        running.abort(new CancelledError("the cc-worker is shutting down"));
      }
      if (!(await raceTimer(closing, 2000))) await raceTimer(worker.close(true), 2000);
    }
    await this.#pool?.shutdown({ wait: true, cancelFutures: true, timeout: 1000 }).catch(() => {});
    await Promise.all([closeConnection(this.#sub), closeConnection(this.#out), closeConnection(this.#cmd)]);
  }
}

/** Resolves true if `promise` settles within `ms`, false otherwise. */
async function raceTimer(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
