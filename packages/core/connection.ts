/**
 * The host's end of one worker: numbers calls, sends the task definitions each worker needs once,
 * coalesces the calls made in one tick into one message, routes replies, and fails every call in
 * flight with a clear error when the worker dies. The pool engine holds one per worker; `Thread` and
 * `Process` hold one each.
 *
 * @module
 */
import type { TransferListItem } from "node:worker_threads";
import { CallTable } from "./_call_table.ts";
import { decodeError, encodeError } from "./_error_codec.ts";
import { packRun } from "./_run_codec.ts";
import { SHARED_MARKER } from "./_shared_marker.ts";
import { CloneError, WorkerExitError } from "./errors.ts";
import {
  FLAG_CHUNK,
  FLAG_INIT,
  FLAG_LINGER,
  FLAG_STREAM,
  type HostMessage,
  RUN_STRIDE,
  STATUS_END,
  STATUS_ERROR,
  STATUS_OK,
  STATUS_OUTPUT,
  STATUS_PROGRESS,
  STATUS_YIELD,
  type TaskDef,
  type WorkerMessage,
} from "./protocol.ts";
import { isShareable, SHAREABLE } from "./shareable.ts";
import type { Task } from "./task.ts";
import type { ExitInfo, Transport } from "./transport.ts";
import { findUncloneable } from "./uncloneable.ts";

/** Receives the outcome of one call. The engine's task records implement it (no closure per call). */
export interface CallSink {
  /** The task being called (used in error messages). */
  readonly task: Task;
  /** The call returned (or a stream ended with) `value`. */
  resolve(value: unknown): void;
  /** The call failed. */
  reject(error: unknown): void;
  /** A progress report of the running call. */
  progress?(value: unknown): void;
  /** One item of a streamed result. */
  item?(value: unknown): void;
}

/** Options of one call. */
export interface CallOptions {
  /** Objects to transfer instead of copy (threads; a child process copies them). */
  transfer?: readonly TransferListItem[];
  /** Consume the result as a stream (the task returns an async iterator). */
  stream?: boolean;
  /** An initializer: the worker starts later calls only after it has finished. */
  initializer?: boolean;
  /** `args` is a chunk of argument lists; the result is the list of results (for `map`'s `chunksize`). */
  chunk?: boolean;
}

/** Options of {@linkcode WorkerConnection.run}. */
export interface RunOptions extends CallOptions {
  /** Cancels the call cooperatively: the task's `signal` aborts, and the promise rejects with the reason. */
  signal?: AbortSignal;
  /** Receives the task's progress reports. */
  onProgress?: (value: unknown) => void;
}

// A settled promise to schedule microtasks on: cheaper than Node's queueMicrotask, which makes an
// AsyncResource per call.
const RESOLVED = Promise.resolve();

const taskKeys = new WeakMap<Task, number>();
let nextTaskKey = 0;

function keyOf(task: Task): number {
  let key = taskKeys.get(task);
  if (key === undefined) {
    key = ++nextTaskKey;
    taskKeys.set(task, key);
  }
  return key;
}

function encodeArgs(args: unknown[]): unknown[] {
  let out = args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === "object" && a !== null && isShareable(a)) {
      if (out === args) out = args.slice();
      out[i] = { [SHARED_MARKER]: a[SHAREABLE]() };
    }
  }
  return out;
}

/**
 * The host's end of one worker (see the module doc).
 *
 * @example
 * ```ts no-run
 * import { spawnWorker, task, WorkerConnection } from "@cc/core";
 * const connection = new WorkerConnection(spawnWorker());
 * const square = task<(x: number) => number>(new URL("./tasks.js", import.meta.url), "square");
 * console.log(await Promise.all([1, 2, 3].map((x) => connection.run(square, [x])))); // one message out, one back
 * await connection.close();
 * ```
 */
export class WorkerConnection {
  /** The worker's transport. */
  readonly transport: Transport;
  /** Called once the worker has ended, after the calls in flight were failed. */
  onExit: ((info: ExitInfo, connection: WorkerConnection) => void) | undefined;
  /** Called with an uncaught error the worker raised while no call was in flight. */
  onIdleError: ((error: unknown, connection: WorkerConnection) => void) | undefined;

  readonly #sinks = new CallTable<CallSink>();
  readonly #sentDefs = new Set<number>();
  /** The task of the previous call and its key (its definition was sent or is in the batch). */
  #lastTask: Task | undefined;
  #lastKey = 0;
  #nextId = 0;
  #batch: unknown[] = [];
  #batchDefs: TaskDef[] | undefined;
  #batchTransfer: TransferListItem[] | undefined;
  readonly #manualFlush: boolean;
  #flushQueued: boolean;
  readonly #flushLater = (): void => this.flush();
  #fatal: unknown;
  #exitInfo: ExitInfo | undefined;
  #exited: Promise<ExitInfo>;
  #refed = false;
  #closing = false;
  #idleWaiters: (() => void)[] = [];

  /**
   * @param transport The worker's transport.
   * @param options `manualFlush`: the owner sends the calls it made with {@linkcode flush} (the pool
   *   does so at the end of each dispatch round); by default they leave at the end of the tick.
   */
  constructor(transport: Transport, options: { manualFlush?: boolean } = {}) {
    this.transport = transport;
    this.#manualFlush = options.manualFlush === true;
    this.#flushQueued = this.#manualFlush; // never scheduled: the owner flushes
    transport.unref();
    transport.onMessage = (message) => this.#onMessage(message);
    this.#exited = new Promise((resolve) => {
      transport.onExit = (info) => {
        this.#exitInfo = info;
        this.onExit?.(info, this); // first, so an owner can mark itself broken before the calls fail
        this.#failAll(info);
        resolve(info);
      };
    });
  }

  /**
   * Number of calls sent and not yet settled.
   *
   * @example
   * ```ts
   * import { spawnWorker, WorkerConnection } from "@cc/core";
   * const connection = new WorkerConnection(spawnWorker());
   * console.assert(connection.inFlight === 0);
   * await connection.close();
   * ```
   */
  get inFlight(): number {
    return this.#sinks.size;
  }

  /**
   * True once the worker has ended.
   *
   * @example
   * ```ts
   * import { spawnWorker, WorkerConnection } from "@cc/core";
   * const connection = new WorkerConnection(spawnWorker());
   * console.assert(!connection.exited);
   * await connection.close();
   * console.assert(connection.exited);
   * ```
   */
  get exited(): boolean {
    return this.#exitInfo !== undefined;
  }

  /**
   * Once the worker has ended, the error its calls in flight failed with: a `WorkerExitError` with its
   * exit code or signal, or the uncaught error it reported. `undefined` while it runs.
   *
   * @example
   * ```ts
   * import { spawnWorker, WorkerConnection, WorkerExitError } from "@cc/core";
   * const connection = new WorkerConnection(spawnWorker());
   * console.assert(connection.exitError === undefined);
   * await connection.terminate();
   * console.assert(connection.exitError instanceof WorkerExitError);
   * ```
   */
  get exitError(): unknown {
    return this.#exitInfo === undefined ? undefined : this.#exitError(this.#exitInfo);
  }

  /**
   * Resolves with how the worker ended.
   *
   * @example
   * ```ts
   * import { spawnWorker, WorkerConnection } from "@cc/core";
   * const connection = new WorkerConnection(spawnWorker({ kind: "process" }));
   * void connection.close();
   * const { code, signal } = await connection.whenExited;
   * console.assert(code === 0 && signal === null);
   * ```
   */
  get whenExited(): Promise<ExitInfo> {
    return this.#exited;
  }

  /**
   * Sends one call; its outcome goes to `sink`. Calls made in the same tick leave in one message.
   * Returns the call's id (for {@linkcode cancel} and {@linkcode pull}).
   *
   * @example
   * ```ts
   * import { isMainModule, spawnWorker, task, WorkerConnection } from "@cc/core";
   *
   * export function square(x: number): number {
   *   return x * x;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   const connection = new WorkerConnection(spawnWorker());
   *   const squareTask = task<typeof square>(import.meta.url, "square");
   *   const result = await new Promise((resolve, reject) => {
   *     connection.call(squareTask, [9], { task: squareTask, resolve, reject });
   *   });
   *   console.assert(result === 81);
   *   await connection.close();
   * }
   * ```
   */
  call(task: Task, args: unknown[], sink: CallSink, options?: CallOptions): number {
    const id = ++this.#nextId;
    if (this.#exitInfo) {
      sink.reject(this.#exitError(this.#exitInfo));
      return id;
    }
    let key = this.#lastKey;
    if (task !== this.#lastTask) {
      key = keyOf(task);
      if (!this.#sentDefs.has(key)) {
        this.#sentDefs.add(key);
        (this.#batchDefs ??= []).push([key, task.url, task.name]);
      }
      this.#lastTask = task;
      this.#lastKey = key;
    }
    const flags =
      options === undefined
        ? 0
        : (options.stream ? FLAG_STREAM : 0) | (options.initializer ? FLAG_INIT : 0) | (options.chunk ? FLAG_CHUNK : 0);
    this.#batch.push(id, key, options?.chunk ? args : encodeArgs(args), flags);
    if (options?.transfer) (this.#batchTransfer ??= []).push(...options.transfer);
    this.#sinks.add(id, sink);
    if (!this.#refed) {
      this.#refed = true;
      this.transport.ref();
    }
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      RESOLVED.then(this.#flushLater);
    }
    return id;
  }

  /**
   * Sends the calls made so far now, instead of at the end of the tick. A lone call is marked for a
   * lingering worker (`FLAG_LINGER`, see `RuntimePort.lingerMs`) when `linger` is true, or, when it is
   * not given, if nothing else is in flight and the owner does not flush by hand (`manualFlush`: an
   * owner such as a pool knows whether it waits for this call; a connection cannot).
   *
   * @example
   * ```ts
   * import { isMainModule, spawnWorker, task, WorkerConnection } from "@cc/core";
   *
   * export function square(x: number): number {
   *   return x * x;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   const connection = new WorkerConnection(spawnWorker(), { manualFlush: true });
   *   const squareTask = task<typeof square>(import.meta.url, "square");
   *   const results = [1, 2, 3].map((x) => connection.run(squareTask, [x]));
   *   connection.flush(); // with manualFlush, nothing leaves before this
   *   console.assert((await Promise.all(results)).join() === "1,4,9");
   *   await connection.close();
   * }
   * ```
   */
  flush(linger?: boolean): void {
    this.#flushQueued = this.#manualFlush;
    const tasks = this.#batch;
    if (tasks.length === 0) return;
    if (tasks.length === RUN_STRIDE && (linger ?? (!this.#manualFlush && this.#sinks.size === 1))) {
      tasks[3] = (tasks[3] as number) | FLAG_LINGER;
    }
    const defs = this.#batchDefs;
    const transfer = this.#batchTransfer;
    this.#batch = [];
    this.#batchDefs = undefined;
    this.#batchTransfer = undefined;
    try {
      this.transport.post(packRun(tasks, defs), transfer);
    } catch (error) {
      this.#isolateBadCalls(tasks, defs, transfer, error);
    }
  }

  /** Fails the call with `error`, if it is still in flight. */
  #fail(id: number, error: unknown): void {
    const sink = this.#sinks.get(id);
    if (sink === undefined) return;
    this.#settle(id);
    sink.reject(error);
  }

  #isolateBadCalls(
    tasks: unknown[],
    defs: TaskDef[] | undefined,
    transfer: TransferListItem[] | undefined,
    error: unknown,
  ): void {
    const good: unknown[] = [];
    for (let at = 0; at < tasks.length; at += RUN_STRIDE) {
      const id = tasks[at] as number;
      const found = findUncloneable(tasks[at + 2], "args", (v) => this.transport.checkClone(v));
      if (found) {
        this.#fail(id, new CloneError(found.path, found.what, this.#sinks.get(id)?.task.name));
      } else {
        for (let j = 0; j < RUN_STRIDE; j++) good.push(tasks[at + j]);
      }
    }
    if (good.length === tasks.length) {
      // not a clone failure: the worker is gone or the channel is closed; its definitions never arrived
      this.#forgetDefs(defs);
      for (let at = 0; at < tasks.length; at += RUN_STRIDE) this.#fail(tasks[at] as number, error);
      return;
    }
    if (good.length === 0 && !defs) return;
    try {
      this.transport.post(good.length > 0 ? packRun(good, defs) : [defs ?? null, 0, 0, 0, 0, 0], transfer);
    } catch (again) {
      this.#forgetDefs(defs);
      for (let at = 0; at < good.length; at += RUN_STRIDE) this.#fail(good[at] as number, again);
    }
  }

  /** Definitions that never reached the worker: send them again with the next call that needs them. */
  #forgetDefs(defs: TaskDef[] | undefined): void {
    if (!defs) return;
    for (const [key] of defs) this.#sentDefs.delete(key);
    this.#lastTask = undefined;
  }

  /**
   * Low-latency mode: handles the worker's next message if it has arrived. Returns false when there
   * was none (or the transport cannot be polled). The pool polls this way for up to `spinMs` after
   * sending, so a reply is taken at once instead of after the host thread wakes up.
   *
   * @example
   * ```ts
   * import { spawnWorker, WorkerConnection } from "@cc/core";
   * const connection = new WorkerConnection(spawnWorker({ spinMs: 1 }));
   * console.assert(connection.pollReplies() === false); // nothing was sent, so no reply waits
   * await connection.close();
   * ```
   */
  pollReplies(): boolean {
    const message = this.transport.poll?.();
    if (message === undefined) return false;
    this.#onMessage(message);
    return true;
  }

  /**
   * Asks the running call `id` to stop: its task's `signal` aborts with `reason`.
   *
   * @example
   * ```ts
   * import { setTimeout as sleep } from "node:timers/promises";
   * import { CancelledError, currentTask, isMainModule, spawnWorker, task, WorkerConnection } from "@cc/core";
   *
   * export async function nap(ms: number): Promise<number> {
   *   await sleep(ms, undefined, { signal: currentTask().signal });
   *   return ms;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   const connection = new WorkerConnection(spawnWorker());
   *   const napTask = task<typeof nap>(import.meta.url, "nap");
   *   const outcome = new Promise((resolve) => {
   *     const id = connection.call(napTask, [10_000], { task: napTask, resolve, reject: resolve });
   *     setTimeout(() => connection.cancel(id, new CancelledError("no longer needed")), 50);
   *   });
   *   console.assert((await outcome) instanceof Error); // the task's signal aborted with the reason
   *   await connection.close();
   * }
   * ```
   */
  cancel(id: number, reason?: unknown): void {
    if (!this.#sinks.has(id) || this.#exitInfo) return;
    this.flush();
    // Called from abort listeners and timers, where a throw would be uncaught: a post that fails (the
    // reason cannot be copied) is retried with a plain reason; one that fails again means the worker has
    // dropped its channel, and its exit fails the call.
    if (!this.#tryPost({ k: "cancel", id, reason: encodeError(reason) })) {
      this.#tryPost({ k: "cancel", id, reason: encodeError(new Error(String(reason))) });
    }
  }

  /** Posts a control message; false when it could not be sent (not cloneable, or the channel is closed). */
  #tryPost(message: HostMessage): boolean {
    try {
      this.transport.post(message);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Gives a streaming call credit for `n` more items.
   *
   * @example
   * ```ts ignore
   * // the engine's side of a stream: the worker sends `n` more items of call `id` once given credit
   * const id = connection.call(countdownTask, [3], { task: countdownTask, resolve, reject, item: (v) => items.push(v) }, { stream: true });
   * connection.pull(id, 16);
   * ```
   */
  pull(id: number, n: number): void {
    if (!this.#sinks.has(id) || this.#exitInfo) return;
    this.flush();
    this.#tryPost({ k: "pull", id, n }); // a worker that dropped its channel fails the call as it exits
  }

  /**
   * Runs one call and returns its result: the convenience form of {@linkcode call}.
   *
   * @example
   * ```ts
   * import { isMainModule, spawnWorker, task, WorkerConnection } from "@cc/core";
   *
   * export function square(x: number): number {
   *   return x * x;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   for (const kind of ["thread", "process"] as const) {
   *     const connection = new WorkerConnection(spawnWorker({ kind }));
   *     console.assert((await connection.run(task<typeof square>(import.meta.url, "square"), [12])) === 144);
   *     await connection.close();
   *   }
   * }
   * ```
   */
  run<A extends unknown[], R>(task: Task<A, R>, args: A, options: RunOptions = {}): Promise<R> {
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<R>((resolve, reject) => {
      let onAbort: (() => void) | undefined;
      const sink: CallSink = {
        task,
        resolve: (v) => {
          if (onAbort) signal?.removeEventListener("abort", onAbort);
          resolve(v as R);
        },
        reject: (e) => {
          if (onAbort) signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
        progress: onProgress,
      };
      const id = this.call(task, args, sink, options);
      if (signal) {
        onAbort = () => {
          this.cancel(id, signal.reason);
          this.#settle(id);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
      }
    });
  }

  /**
   * Runs a task that returns an async iterator and yields its items as they arrive, asking the worker
   * for at most `highWaterMark` items ahead (backpressure). Leaving the loop early cancels the task.
   *
   * @example
   * ```ts
   * import { isMainModule, spawnWorker, task, WorkerConnection } from "@cc/core";
   *
   * export async function* countdown(n: number): AsyncGenerator<number> {
   *   for (let i = n; i > 0; i--) yield i;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   const connection = new WorkerConnection(spawnWorker());
   *   const seen: unknown[] = [];
   *   for await (const i of connection.stream(task<typeof countdown>(import.meta.url, "countdown"), [3])) seen.push(i);
   *   console.assert(seen.join() === "3,2,1");
   *   await connection.close();
   * }
   * ```
   */
  async *stream<T = unknown>(
    task: Task,
    args: unknown[],
    options: { highWaterMark?: number } = {},
  ): AsyncGenerator<T, unknown> {
    const highWaterMark = options.highWaterMark ?? 16;
    const items: unknown[] = [];
    let done = false;
    let result: unknown;
    let failure: { error: unknown } | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const sink: CallSink = {
      task,
      item: (v) => {
        items.push(v);
        notify();
      },
      resolve: (v) => {
        done = true;
        result = v;
        notify();
      },
      reject: (e) => {
        done = true;
        failure = { error: e };
        notify();
      },
    };
    const id = this.call(task, args, sink, { stream: true });
    this.pull(id, highWaterMark);
    let consumed = 0;
    try {
      for (;;) {
        if (items.length > 0) {
          const item = items.shift() as T;
          if (++consumed >= highWaterMark / 2) {
            this.pull(id, consumed);
            consumed = 0;
          }
          yield item;
          continue;
        }
        if (failure) throw failure.error;
        if (done) return result;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      if (!done) {
        this.cancel(id, new Error("the stream's consumer stopped"));
        this.#settle(id);
      }
    }
  }

  /**
   * Asks the worker to finish its calls and exit. Once its calls are done, it has `timeout` ms (default
   * 5000) to exit before it is terminated, so a worker stuck in its own timers never holds the caller.
   * Resolves once it has ended.
   *
   * @example
   * ```ts
   * import { spawnWorker, WorkerConnection } from "@cc/core";
   * const connection = new WorkerConnection(spawnWorker());
   * const { code } = await connection.close({ timeout: 1000 });
   * console.assert(code === 0 && connection.exited);
   * ```
   */
  async close(options: { timeout?: number } = {}): Promise<ExitInfo> {
    if (!this.#exitInfo && !this.#closing) {
      this.#closing = true;
      this.flush();
      this.transport.ref(); // a caller awaiting close() keeps Node alive until the worker has ended
      try {
        this.transport.post({ k: "shutdown" });
      } catch {
        void this.transport.terminate();
      }
      const timeout = options.timeout ?? 5000;
      void this.#idle().then(() => {
        if (this.#exitInfo) return;
        const timer = setTimeout(() => void this.transport.terminate(), timeout);
        timer.unref();
        void this.#exited.then(() => clearTimeout(timer));
      });
    }
    return this.#exited;
  }

  /** Resolves when no call is in flight (or the worker has ended). */
  #idle(): Promise<void> {
    if (this.#sinks.size === 0 || this.#exitInfo) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
    });
  }

  /**
   * Stops the worker at once; calls in flight fail with `WorkerExitError`.
   *
   * @example
   * ```ts
   * import { spawnWorker, WorkerConnection } from "@cc/core";
   * const connection = new WorkerConnection(spawnWorker());
   * await connection.terminate();
   * console.assert(connection.exited);
   * ```
   */
  async terminate(): Promise<ExitInfo> {
    await this.transport.terminate();
    return this.#exited;
  }

  #settle(id: number): void {
    this.#sinks.delete(id);
    if (this.#sinks.size === 0) {
      if (this.#refed && !this.#closing) {
        this.#refed = false;
        this.transport.unref();
      }
      if (this.#idleWaiters.length > 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  #onMessage(message: WorkerMessage): void {
    if (Array.isArray(message)) {
      const r = message;
      for (let i = 0; i < r.length; i += 3) {
        const id = r[i] as number;
        const status = r[i + 1] as number;
        if (status === STATUS_OUTPUT) {
          const [fd, text] = r[i + 2] as [number, string];
          (fd === 2 ? process.stderr : process.stdout).write(text);
          continue;
        }
        const sink = this.#sinks.get(id);
        if (!sink) continue;
        const value = r[i + 2];
        switch (status) {
          case STATUS_OK:
          case STATUS_END:
            this.#settle(id);
            sink.resolve(value);
            break;
          case STATUS_ERROR:
            this.#settle(id);
            sink.reject(this.#remoteError(value, sink));
            break;
          case STATUS_PROGRESS:
            sink.progress?.(value);
            break;
          case STATUS_YIELD:
            sink.item?.(value);
            break;
        }
      }
    } else if (message.k === "fatal") {
      this.#fatal = decodeError(message.error);
      if (this.#sinks.size === 0) this.onIdleError?.(this.#fatal, this);
    }
  }

  #remoteError(encoded: unknown, sink: CallSink): unknown {
    const error = decodeError(encoded);
    // a result the worker could not send names no task there: name it here
    if (error instanceof CloneError && error.taskName === undefined) {
      return new CloneError(error.path, error.what, sink.task.name);
    }
    return error;
  }

  #exitError(info: ExitInfo): unknown {
    if (this.#fatal !== undefined) return this.#fatal;
    const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
    const what =
      this.transport.kind === "thread" ? `worker thread ${this.transport.id}` : `child process ${this.transport.id}`;
    const oom = info.outOfMemory ? " (out of memory)" : "";
    return new WorkerExitError(`${what} ${how}${oom} while running this task`, {
      exitCode: info.code,
      signal: info.signal,
      outOfMemory: info.outOfMemory,
      cause: info.error,
    });
  }

  #failAll(info: ExitInfo): void {
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
    if (this.#sinks.size === 0) return;
    const sinks = this.#sinks.drain();
    this.#refed = false;
    for (const sink of sinks) sink.reject(this.#exitError(info));
  }
}
