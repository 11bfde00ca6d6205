/**
 * `DistributedExecutor`: cc's `Executor` over BullMQ and Redis, its tasks run by `cc-worker`s anywhere.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { CancelledError, InvalidStateError, type Task, taskModuleUrl } from "@cc/core";
import type { Executor, MapInputs, MapOptions, ShutdownOptions } from "@cc/executors";
import { Future } from "@cc/futures";
import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { encodeValue } from "./_codec.ts";
import { type Connection, checkConnection, closeConnection, connect } from "./_connect.ts";
import { runMap } from "./_map.ts";
import {
  cancelChannel,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE,
  defaultModuleName,
  type JobData,
  MODULE_NAME,
  resultsKey,
} from "./_protocol.ts";
import { ResultInbox } from "./_results.ts";

export type { Connection } from "./_connect.ts";

/** How a failed attempt is retried: a fixed delay, or one that doubles (ms). */
export type Backoff = number | { readonly type: "fixed" | "exponential"; readonly delay: number };

/** Options of {@linkcode DistributedExecutor}. */
export interface DistributedExecutorOptions {
  /** Redis: a `redis://` / `rediss://` URL (user, password, TLS) or ioredis options (`username` for an ACL user, `password`, `tls`…). */
  connection: Connection;
  /** The BullMQ queue the cc-workers read (`cc-worker --queue`). Default: `"cc"`. */
  queue?: string;
  /** BullMQ's key prefix (`cc-worker --prefix`). Default: `"cc"`. */
  prefix?: string;
  /**
   * Module names of task modules whose file name is not the name their cc-workers register
   * (`cc-worker --tasks name=path`): `{ pics: new URL("./download_tasks.js", import.meta.url) }`.
   * A task travels as `module.export`, the module name being by default the file name without extension.
   */
  modules?: Readonly<Record<string, string | URL>>;
  /** Retries after a task throws (Python: none). Default: `0`. At-least-once: see the README. */
  retries?: number;
  /** Wait before each retry, ms or `{ type: "exponential", delay }`. Default: `1000`. */
  backoff?: Backoff;
  /** Largest encoded argument list, in bytes of JSON; a bigger one throws a RangeError at submit. Default: 512 KiB. */
  maxArgsBytes?: number;
  /** Milliseconds a finished job's result waits in Redis for this client. Default: one day. */
  resultTtl?: number;
  /** Milliseconds between sweeps for jobs that failed without a result or vanished. Default: `5000`. */
  sweepInterval?: number;
}

/** Per-call options of {@linkcode DistributedExecutor.submitWith}. */
export interface DistributedSubmitOptions {
  /**
   * Cancels the call: a queued job is removed; a running one has its task's signal aborted on its worker
   * (or its local pool worker terminated, with `abort: "terminate"`). The future rejects with the reason.
   */
  signal?: AbortSignal;
  /** Milliseconds from the start of the task on its worker after which it fails with TimeoutError. */
  timeout?: number;
  /** How a running task is stopped by `signal`, `cancel()` or `timeout`: `"signal"` (default) or `"terminate"` (needs `cc-worker --execute threads|processes`). */
  abort?: "signal" | "terminate";
  /** Retries of this call (overrides the executor's). */
  retries?: number;
  /** Backoff of this call's retries (overrides the executor's). */
  backoff?: Backoff;
}

interface Outgoing {
  id: string;
  name: string;
  data: JobData;
  opts: JobsOptions;
  future: Future<unknown>;
}

const KIB = 1024;

function checkCount(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function checkMs(name: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new TypeError(`${name} must be a number of milliseconds >= 0, got ${String(value)}`);
  }
  return value;
}

function backoffOption(backoff: Backoff): JobsOptions["backoff"] {
  if (typeof backoff === "number") return { type: "fixed", delay: checkMs("backoff", backoff) };
  if (typeof backoff !== "object" || backoff === null || (backoff.type !== "fixed" && backoff.type !== "exponential")) {
    throw new TypeError('backoff must be milliseconds or { type: "fixed" | "exponential", delay }');
  }
  return { type: backoff.type, delay: checkMs("backoff.delay", backoff.delay) };
}

/**
 * Python's `concurrent.futures` Executor across machines (Dask's `Client.submit`/`map`): tasks go to a
 * BullMQ queue in Redis, `cc-worker` processes anywhere run them, and results come back as `@cc/futures`
 * Futures that `wait`, `asCompleted` and `await` accept. A task crosses machines by its stable name
 * `module.export`, never by a path. Keeps Node alive until `shutdown()` (or `await using`).
 *
 * @example
 * ```ts no-run
 * import { task } from "@cc/core";
 * import { DistributedExecutor } from "@cc/distributed";
 *
 * // elsewhere, on any machine: cc-worker --redis redis://127.0.0.1:6379 --tasks ./tasks.js
 * await using executor = new DistributedExecutor({ connection: "redis://127.0.0.1:6379" });
 * const squareTask = task<(x: number) => number>(new URL("./tasks.js", import.meta.url), "square");
 * console.assert((await executor.submit(squareTask, 12)) === 144);
 * ```
 */
export class DistributedExecutor implements Executor {
  /** The client id: its results stream and the prefix of its job ids. */
  readonly clientId: string = randomBytes(9).toString("base64url");
  /** The BullMQ queue's name. */
  readonly queueName: string;
  /** The BullMQ prefix. */
  readonly prefix: string;
  readonly #queue: Queue;
  readonly #cmd: Redis;
  readonly #block: Redis;
  readonly #inbox: ResultInbox;
  readonly #channel: string;
  readonly #names = new Map<string, string>(); // module URL -> module name
  readonly #maxArgsBytes: number;
  readonly #ttl: number;
  readonly #retries: number;
  readonly #backoff: Backoff;
  #seq = 0;
  #outgoing: Outgoing[] = [];
  #flushQueued = false;
  #flushing: Promise<void> = Promise.resolve();
  #cancelling: Promise<unknown> = Promise.resolve();
  #shutdown = false;
  #closed: Promise<void> | undefined;
  #disconnected = false;

  /**
   * Connects to Redis (lazily: the constructor does not wait) and the queue.
   *
   * @example
   * ```ts no-run
   * import { DistributedExecutor } from "@cc/distributed";
   * const executor = new DistributedExecutor({
   *   connection: { host: "redis.internal", port: 6380, username: "cc-client", password: process.env.REDIS_PASSWORD, tls: {} },
   *   queue: "pictures",
   * });
   * await executor.shutdown();
   * ```
   */
  constructor(options: DistributedExecutorOptions) {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    checkConnection(options.connection);
    this.queueName = options.queue ?? DEFAULT_QUEUE;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    if (typeof this.queueName !== "string" || !/^[^:]{1,200}$/.test(this.queueName)) {
      throw new TypeError(`queue must be a non-empty name without ":", got ${String(options.queue)}`);
    }
    if (typeof this.prefix !== "string" || this.prefix.length === 0)
      throw new TypeError("prefix must be a non-empty string");
    this.#maxArgsBytes =
      options.maxArgsBytes === undefined ? 512 * KIB : checkCount("maxArgsBytes", options.maxArgsBytes, 1);
    this.#ttl = options.resultTtl === undefined ? 86_400_000 : checkCount("resultTtl", options.resultTtl, 1000);
    this.#retries = options.retries === undefined ? 0 : checkCount("retries", options.retries, 0);
    this.#backoff = options.backoff ?? 1000;
    backoffOption(this.#backoff);
    const sweep = options.sweepInterval === undefined ? 5000 : checkCount("sweepInterval", options.sweepInterval, 10);
    for (const [name, url] of Object.entries(options.modules ?? {})) {
      if (!MODULE_NAME.test(name)) throw new TypeError(`modules: bad module name ${JSON.stringify(name)}`);
      this.#names.set(taskModuleUrl(url), name);
    }
    this.#cmd = connect(options.connection, `cc-client:${this.clientId}`);
    this.#block = connect(options.connection, `cc-client-results:${this.clientId}`);
    this.#queue = new Queue(this.queueName, { connection: this.#cmd, prefix: this.prefix });
    this.#queue.on("error", () => {});
    this.#channel = cancelChannel(this.prefix, this.queueName);
    this.#inbox = new ResultInbox(
      this.#cmd,
      this.#block,
      resultsKey(this.prefix, this.queueName, this.clientId),
      (id) => this.#queue.toKey(id),
      sweep,
    );
    this.#inbox.start();
  }

  /**
   * The stable name a task travels by: `module.export`, the module name being its file name without the
   * extension unless `modules` names it.
   *
   * @example
   * ```ts no-run
   * import { task } from "@cc/core";
   * import { DistributedExecutor } from "@cc/distributed";
   * const executor = new DistributedExecutor({ connection: "redis://127.0.0.1:6379" });
   * console.assert(executor.taskName(task("/srv/app/dist/tasks.js", "square")) === "tasks.square");
   * await executor.shutdown();
   * ```
   */
  taskName(task: Task): string {
    if (typeof task !== "object" || task === null || typeof task.url !== "string" || typeof task.name !== "string") {
      throw new TypeError(
        `submit() needs a task made with task() or defineTask(), got ${task === null ? "null" : typeof task}`,
      );
    }
    let module = this.#names.get(task.url);
    if (module === undefined) {
      module = defaultModuleName(task.url);
      this.#names.set(task.url, module);
    }
    return `${module}.${task.name}`;
  }

  /**
   * Schedules `task(...args)` on some cc-worker and returns a future of its result (Python's `submit`).
   * Submits made in one tick travel to Redis together (one `addBulk`).
   *
   * @example
   * ```ts no-run
   * import { task } from "@cc/core";
   * import { DistributedExecutor } from "@cc/distributed";
   * import { wait } from "@cc/futures";
   * await using executor = new DistributedExecutor({ connection: "redis://127.0.0.1:6379" });
   * const square = task<(x: number) => number>("/srv/app/tasks.js", "square");
   * const futures = [1, 2, 3].map((x) => executor.submit(square, x));
   * const { done } = await wait(futures);
   * console.assert(done.size === 3);
   * ```
   */
  submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): Future<R> {
    return this.#submit(task, args, undefined, false) as Future<R>;
  }

  /**
   * `submit` with per-call options: `signal` (cancel, reaching a running task), `timeout` (from its start
   * on the worker), `abort: "terminate"`, `retries` and `backoff`.
   *
   * @example
   * ```ts no-run
   * import { task, TimeoutError } from "@cc/core";
   * import { DistributedExecutor } from "@cc/distributed";
   * await using executor = new DistributedExecutor({ connection: "redis://127.0.0.1:6379" });
   * const crunch = task<(n: number) => number>("/srv/app/tasks.js", "crunch");
   * const error = await executor.submitWith(crunch, [1e12], { timeout: 1000, abort: "terminate" }).catch((e) => e);
   * console.assert(error instanceof TimeoutError);
   * ```
   */
  submitWith<A extends unknown[], R>(task: Task<A, R>, args: A, options: DistributedSubmitOptions = {}): Future<R> {
    if (!Array.isArray(args)) throw new TypeError("args must be an array");
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    return this.#submit(task, args, options, false) as Future<R>;
  }

  #submit(task: Task, args: unknown[], options: DistributedSubmitOptions | undefined, chunk: boolean): Future<unknown> {
    if (this.#shutdown) throw new InvalidStateError("cannot schedule new futures after shutdown");
    const name = this.taskName(task);
    const encoded = encodeValue(args, "args") as unknown[];
    const bytes = Buffer.byteLength(JSON.stringify(encoded));
    if (bytes > this.#maxArgsBytes) {
      throw new RangeError(
        `the arguments of task "${name}" take ${bytes} bytes as JSON, more than maxArgsBytes (${this.#maxArgsBytes}): ` +
          "pass a reference (a URL, a file on shared storage, a key) instead of the data",
      );
    }
    const data: JobData = { c: this.clientId, a: encoded, ttl: this.#ttl };
    if (chunk) data.k = 1;
    const retries = options?.retries === undefined ? this.#retries : checkCount("retries", options.retries, 0);
    const opts: JobsOptions = { removeOnComplete: true, removeOnFail: { age: Math.ceil(this.#ttl / 1000) } };
    if (retries > 0) {
      opts.attempts = retries + 1;
      opts.backoff = backoffOption(options?.backoff ?? this.#backoff);
    }
    let signal: AbortSignal | undefined;
    if (options) {
      if (options.timeout !== undefined) data.t = checkMs("timeout", options.timeout);
      if (options.abort !== undefined && options.abort !== "signal" && options.abort !== "terminate") {
        throw new TypeError(`abort must be "signal" or "terminate", got ${String(options.abort)}`);
      }
      if (options.abort === "terminate") data.x = 1;
      signal = options.signal;
      if (signal !== undefined && !(signal instanceof AbortSignal))
        throw new TypeError("signal must be an AbortSignal");
    }
    const id = `${this.clientId}.${(++this.#seq).toString(36)}`;
    opts.jobId = id;
    const future = new Future<unknown>();
    if (signal?.aborted) {
      future.cancel();
      return future;
    }
    this.#inbox.add(id, future, name);
    future.addDoneCallback((f) => {
      if (f.cancelled()) this.#cancelJob(id);
    });
    if (signal) {
      const onAbort = () => {
        if (future.done()) return;
        future.setException(signal.reason ?? new CancelledError());
        this.#cancelJob(id);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      future.addDoneCallback(() => signal.removeEventListener("abort", onAbort));
    }
    this.#outgoing.push({ id, name, data, opts, future });
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flush);
    }
    return future;
  }

  /** @internal Submits a chunk of `map` items (argument lists) as one job. */
  _submitChunk(task: Task, chunk: unknown[][]): Future<unknown> {
    return this.#submit(task, chunk, undefined, true);
  }

  readonly #flush = (): void => {
    this.#flushQueued = false;
    const batch = this.#outgoing.filter((o) => !o.future.done());
    this.#outgoing = [];
    if (batch.length === 0) return;
    const sent = this.#flushing.then(async () => {
      for (let i = 0; i < batch.length; i += 1000) {
        const part = batch.slice(i, i + 1000);
        try {
          await this.#queue.addBulk(part.map((o) => ({ name: o.name, data: o.data, opts: o.opts })));
          for (const o of part) this.#inbox.added(o.id);
        } catch (error) {
          for (const o of part) {
            this.#inbox.delete(o.id);
            if (!o.future.done()) o.future.setException(error);
          }
        }
      }
    });
    this.#flushing = sent;
  };

  /** Removes a queued job; for one that is running, asks its worker (cancel channel) to stop it. */
  #cancelJob(id: string): void {
    this.#inbox.delete(id);
    if (this.#disconnected) return;
    const done = this.#flushing
      .then(() => this.#queue.remove(id))
      .then((removed) => (removed === 1 ? 0 : this.#cmd.publish(this.#channel, id)))
      .catch(() => {});
    this.#cancelling = Promise.all([this.#cancelling, done]);
  }

  /**
   * `task(item)` for each item, results in input order (Python's `map`), the input read lazily with at most
   * `buffersize` jobs in flight. `chunksize` items travel and run as one job: the lever on throughput for
   * tiny tasks. Leaving the loop early, a timeout or an abort cancels the jobs not yet finished.
   *
   * @example
   * ```ts no-run
   * import { task } from "@cc/core";
   * import { DistributedExecutor } from "@cc/distributed";
   * await using executor = new DistributedExecutor({ connection: "redis://127.0.0.1:6379" });
   * const square = task<(x: number) => number>("/srv/app/tasks.js", "square");
   * let sum = 0;
   * for await (const y of executor.map(square, Array.from({ length: 10_000 }, (_, i) => i), { chunksize: 100 })) sum += y;
   * ```
   */
  map<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: MapOptions,
  ): AsyncIterableIterator<R>;
  map<A extends unknown[], R>(task: Task<A, R>, ...iterables: MapInputs<A>): AsyncIterableIterator<R>;
  map<A extends unknown[], R>(
    task: Task<A, R>,
    ...iterablesThenOptions: [...MapInputs<A>, MapOptions]
  ): AsyncIterableIterator<R>;
  map<R>(task: Task<never[], R>, ...rest: unknown[]): AsyncIterableIterator<R> {
    this.taskName(task);
    if (this.#shutdown) throw new InvalidStateError("cannot schedule new futures after shutdown");
    return runMap<R>(
      (args) => this.#submit(task, args, undefined, false),
      (chunk) => this._submitChunk(task, chunk),
      rest,
    );
  }

  /**
   * Stops accepting tasks (Python's `shutdown`): `cancelFutures` removes the jobs still queued (their
   * futures cancelled), `wait` (default) waits for every other future, then the connections close.
   * Without `wait` the futures still settle and the connections close after them. Idempotent.
   *
   * @example
   * ```ts no-run
   * import { DistributedExecutor } from "@cc/distributed";
   * const executor = new DistributedExecutor({ connection: "redis://127.0.0.1:6379" });
   * await executor.shutdown({ cancelFutures: true });
   * ```
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false, timeout } = options;
    if (timeout !== undefined) checkMs("timeout", timeout);
    const first = !this.#shutdown;
    this.#shutdown = true;
    if (cancelFutures) await this.#cancelQueued();
    if (first) {
      this.#closed = (async () => {
        await this.#flushing;
        let timer: NodeJS.Timeout | undefined;
        if (timeout !== undefined) {
          await Promise.race([
            this.#inbox.drain(),
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, timeout);
            }),
          ]);
          clearTimeout(timer);
          await this.#cancelAll(timeout);
        } else {
          await this.#inbox.drain();
        }
        await this.#flushing;
        await this.#cancelling;
        this.#disconnected = true;
        await this.#inbox.close();
        await this.#cmd.del(resultsKey(this.prefix, this.queueName, this.clientId)).catch(() => {});
        await this.#queue.close().catch(() => {});
        await Promise.all([closeConnection(this.#cmd), closeConnection(this.#block)]);
      })();
    }
    if (wait) await this.#closed;
  }

  /** Removes every queued job of this client; its future is cancelled. */
  async #cancelQueued(): Promise<void> {
    await this.#flushing;
    const ids = [...this.#inbox.ids()];
    await Promise.all(
      ids.map(async (id) => {
        const removed = await this.#queue.remove(id).catch(() => 0);
        if (removed === 1) this.#inbox.cancel(id);
      }),
    );
  }

  /** Shutdown's deadline: every future still waiting is cancelled, running jobs stopped. */
  async #cancelAll(timeout: number): Promise<void> {
    for (const id of [...this.#inbox.ids()]) {
      this.#inbox.fail(id, new CancelledError(`still running at the shutdown deadline (${timeout} ms)`));
      this.#cancelJob(id);
    }
    await this.#flushing;
  }

  /**
   * `await using executor = new DistributedExecutor(…)`: `shutdown({ wait: true })` at the end of the scope.
   *
   * @example
   * ```ts no-run
   * import { DistributedExecutor } from "@cc/distributed";
   * {
   *   await using executor = new DistributedExecutor({ connection: "redis://127.0.0.1:6379" });
   * } // every submitted task has finished, the connections are closed
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }
}
