/**
 * The worker-side runtime: loads task modules once per worker (cached), runs `run` batches, delivers
 * an `AbortSignal` to each running call, streams async-generator results with backpressure, reports
 * progress, batches replies, and turns uncaught errors into a `fatal` message before exiting.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import type { TransferListItem } from "node:worker_threads";
import { trackImport, whileReviving } from "./_bootstrap.ts";
import { decodeError, encodeError } from "./_error_codec.ts";
import { unpackRun } from "./_run_codec.ts";
import { SHARED_MARKER } from "./_shared_marker.ts";
import { _installContextStorage, type TaskContext } from "./context.ts";
import { CloneError, TaskLoadError } from "./errors.ts";
import {
  FLAG_CHUNK,
  FLAG_INIT,
  FLAG_LINGER,
  FLAG_STREAM,
  type HostMessage,
  STATUS_END,
  STATUS_ERROR,
  STATUS_OK,
  STATUS_OUTPUT,
  STATUS_PROGRESS,
  STATUS_YIELD,
  type WorkerMessage,
} from "./protocol.ts";
import { describe } from "./task.ts";
import { isTransfer } from "./transfer.ts";
import { type CloneCheck, findUncloneable } from "./uncloneable.ts";

/** The worker's end of a transport. */
export interface RuntimePort {
  /** Posts a message to the host; throws synchronously when a value cannot be cloned. */
  post(message: WorkerMessage, transfer?: TransferListItem[]): void;
  /** Subscribes to the host's messages. */
  listen(handler: (message: HostMessage) => void): void;
  /** Ends this worker with `code` once everything posted so far is on its way. */
  exit(code: number): void;
  /**
   * Low-latency mode (threads): after handling a message, poll for the next one for up to `spinMs`
   * milliseconds before going back to sleep. Returns the next message, or `undefined`.
   */
  poll?: () => HostMessage | undefined;
  /** Milliseconds to keep polling with {@linkcode RuntimePort.poll}. */
  spinMs?: number;
  /**
   * Milliseconds an idle worker stays awake ({@linkcode RuntimePort.spinForMessage}) after a lone call
   * the host waits for (`FLAG_LINGER`) has ended, before it sleeps: the host's next call then finds it
   * awake. It is spent only while nothing runs, and the message is delivered by the event loop as
   * usual. Default: 0 (off).
   */
  lingerMs?: number;
  /**
   * Spins until the host has posted another message (without taking it) or `ms` have passed. Lingering
   * needs it (threads: the host counts its posts in shared memory).
   */
  spinForMessage?: (ms: number) => void;
  /**
   * Claims the right to linger: `false` when enough workers linger already (they would take every core
   * from the host). Released with {@linkcode RuntimePort.endLinger}. Default: always granted.
   */
  beginLinger?: () => boolean;
  /** Gives back the claim of {@linkcode RuntimePort.beginLinger}. */
  endLinger?: () => void;
  /**
   * Throws if a value cannot be posted (used to find the path of a bad result). Default: structured
   * clone; a child process passes `v8.serialize`, which its channel uses.
   */
  checkClone?: CloneCheck;
  /** Send `process.stdout`/`stderr` writes through the reply stream (worker threads). */
  routeOutput?: boolean;
}

type TaskFn = Function;

// A worker starts faster when it loads only what every worker needs: TypeScript support and threads.js
// compatibility are imported when a task module needs them. `require` gives `fs` without building the
// ES module namespace of `node:fs`.
const require = createRequire(import.meta.url);
const TS_URL = /\.(?:[cm]?ts|tsx)$/;
const THREADS_JS_IMPORT = /["']threads(?:\/worker)?["']/;

/** True if the module's source imports threads.js (whose `expose` cc then records while importing it). */
function importsThreadsJs(url: string): boolean {
  try {
    const fs = require("node:fs") as typeof import("node:fs");
    return THREADS_JS_IMPORT.test(fs.readFileSync(new URL(url), "utf8"));
  } catch {
    return false; // the import reports a missing or unreadable module
  }
}

interface Def {
  readonly url: string;
  readonly name: string;
  fn: TaskFn | undefined;
  loading: Promise<TaskFn>;
}

interface Stream {
  readonly iterator: AsyncIterator<unknown>;
  credit: number;
  busy: boolean;
}

class Call implements TaskContext {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;
  #progress: ((value: unknown) => void) | undefined;
  stream: Stream | undefined;
  constructor(
    readonly id: number,
    readonly name: string,
    private readonly runtime: Runtime,
  ) {}
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
  get progress(): (value: unknown) => void {
    this.#progress ??= (value: unknown) => this.runtime.reply(this.id, STATUS_PROGRESS, value);
    return this.#progress;
  }
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

class Runtime {
  readonly #port: RuntimePort;
  readonly #defs = new Map<number, Def>();
  readonly #modules = new Map<string, Promise<Record<string, unknown>>>();
  readonly #running = new Map<number, Call>();
  readonly #credits = new Map<number, number>();
  readonly #cancelledEarly = new Map<number, unknown>();
  readonly #storage = new AsyncLocalStorage<TaskContext>();
  #out: unknown[] = [];
  #transfers: TransferListItem[] | undefined;
  #flushQueued = false;
  /** True while a host message is handled: `handle` sends the replies when it returns. */
  #handling = false;
  /** Calls of the message being handled that have not started yet. */
  #callsLeft = 0;
  #starting = 0;
  #gate: Promise<unknown> | undefined;
  #gateId = -1;
  #initError: unknown;
  #openGate: (() => void) | undefined;
  #closing = false;
  #exiting = false;

  constructor(port: RuntimePort) {
    this.#port = port;
    _installContextStorage(this.#storage);
  }

  /**
   * Handles one message from the host, then sends the replies it produced (the calls that finished
   * synchronously) in one message, without waiting for a microtask.
   */
  handle(message: HostMessage): void {
    this.#handling = true;
    try {
      this.onMessage(message);
    } finally {
      this.#handling = false;
    }
    this.flush();
  }

  /** The last run message was a lone call the host waits for (`FLAG_LINGER`): lingering may pay. */
  lingerHint = false;

  /** True when no call runs or waits to start and no reply waits to be sent. */
  get idle(): boolean {
    return this.#running.size === 0 && this.#starting === 0 && !this.#flushQueued && !this.#closing;
  }

  onMessage(message: HostMessage): void {
    if (Array.isArray(message)) {
      const defs = message[0];
      if (defs) for (const [key, url, name] of defs) this.#define(key, url, name);
      this.#callsLeft = message[1];
      this.lingerHint = false;
      unpackRun(message, this.#startCall);
      return;
    }
    switch (message.k) {
      case "cancel": {
        this.#credits.delete(message.id);
        const call = this.#running.get(message.id);
        const reason = decodeError(message.reason);
        if (call) {
          call.abort(reason);
          this.#endStream(message.id);
        } else if (this.#starting > 0) {
          // not started yet (its module is loading): it will not run
          this.#cancelledEarly.set(message.id, reason);
        }
        break;
      }
      case "pull":
        this.#pull(message.id, message.n);
        break;
      case "shutdown":
        this.#closing = true;
        this.#maybeExit();
        break;
    }
  }

  #define(key: number, url: string, name: string): void {
    const def: Def = { url, name, fn: undefined, loading: undefined as unknown as Promise<TaskFn> };
    def.loading = this.#load(url, name).then((fn) => {
      def.fn = fn;
      return fn;
    });
    def.loading.catch(() => {}); // reported per call
    this.#defs.set(key, def);
  }

  #module(url: string): Promise<Record<string, unknown>> {
    let mod = this.#modules.get(url);
    if (!mod) {
      mod = trackImport(
        url,
        (async () => {
          if (TS_URL.test(url)) await (await import("./_typescript.ts")).ensureTypeScript(url);
          if (!importsThreadsJs(url)) return (await import(url)) as Record<string, unknown>;
          return (await import("./_threadsjs.ts")).importCapturingExpose(url);
        })(),
      );
      this.#modules.set(url, mod);
    }
    return mod;
  }

  async #load(url: string, name: string): Promise<TaskFn> {
    const task = { url, name };
    if (!url.startsWith("file:")) throw new TaskLoadError("only file: URLs can be loaded", task);
    let ns: Record<string, unknown>;
    try {
      ns = await this.#module(url);
    } catch (cause) {
      const explained = TS_URL.test(url) ? (await import("./_typescript.ts")).explainStripFailure(cause) : undefined;
      const why = explained ?? (cause instanceof Error ? cause.message : String(cause));
      throw new TaskLoadError(`the module failed to import (${why})`, task, { cause });
    }
    if (!Object.hasOwn(ns, name)) {
      const names = Object.keys(ns);
      const list = names.length
        ? `it exports: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}`
        : "it has no exports";
      throw new TaskLoadError(`the module has no export named "${name}" (${list})`, task);
    }
    const fn = ns[name];
    if (typeof fn !== "function")
      throw new TaskLoadError(`its export "${name}" is ${describe(fn)}, not a function`, task);
    return fn as TaskFn;
  }

  readonly #startCall = (id: number, key: number, args: unknown[], flags: number): void => {
    this.#callsLeft--;
    if (flags & FLAG_LINGER) this.lingerHint = true;
    this.#start(id, key, args, flags);
  };

  #start(id: number, key: number, args: unknown[], flags: number): void {
    if (this.#gate) {
      // an initializer is still running: start this call after it
      this.#starting++;
      this.#gate.then(() => {
        this.#starting--;
        this.#start(id, key, args, flags);
      });
      return;
    }
    if (this.#initError !== undefined) {
      this.reply(id, STATUS_ERROR, this.#initError);
      return;
    }
    if (flags & FLAG_INIT) {
      this.#gateId = id;
      this.#gate = new Promise<void>((resolve) => {
        this.#openGate = resolve;
      });
    }
    const def = this.#defs.get(key);
    if (!def) {
      this.reply(id, STATUS_ERROR, encodeError(new Error(`protocol error: unknown task definition ${key}`)));
      return;
    }
    if (hasShared(args)) {
      this.#starting++;
      this.#reviveArgs(args).then(
        (revived) => {
          this.#starting--;
          this.#startWith(id, def, revived, flags);
        },
        (error) => {
          this.#starting--;
          this.reply(id, STATUS_ERROR, encodeError(error));
          this.#maybeExit();
        },
      );
    } else {
      this.#startWith(id, def, args, flags);
    }
  }

  #startWith(id: number, def: Def, args: unknown[], flags: number): void {
    if (def.fn) {
      this.#invoke(id, def.fn, def.name, args, flags);
    } else {
      this.#starting++;
      def.loading.then(
        (fn) => {
          this.#starting--;
          this.#invoke(id, fn, def.name, args, flags);
        },
        (error) => {
          this.#starting--;
          this.reply(id, STATUS_ERROR, encodeError(error));
          this.#maybeExit();
        },
      );
    }
  }

  async #reviveArgs(args: unknown[]): Promise<unknown[]> {
    const out = args.slice();
    for (let i = 0; i < out.length; i++) {
      const handle = (out[i] as { [SHARED_MARKER]?: { url: string; name: string; state: unknown } } | null)?.[
        SHARED_MARKER
      ];
      if (!handle) continue;
      const ns = await this.#module(handle.url);
      const cls = ns[handle.name] as { fromShared?: (state: unknown) => unknown } | undefined;
      if (typeof cls?.fromShared !== "function") {
        throw new TypeError(`args[${i}]: ${handle.url} has no export "${handle.name}" with a static fromShared()`);
      }
      out[i] = whileReviving(() => cls.fromShared?.(handle.state));
    }
    return out;
  }

  #invoke(id: number, fn: TaskFn, name: string, args: unknown[], flags: number): void {
    if (this.#cancelledEarly.size > 0 && this.#cancelledEarly.has(id)) {
      const reason = this.#cancelledEarly.get(id);
      this.#cancelledEarly.delete(id);
      this.reply(id, STATUS_ERROR, encodeError(reason));
      this.#maybeExit();
      return;
    }
    if (flags & FLAG_CHUNK) {
      this.#invokeChunk(id, fn, name, args as unknown[][]);
      return;
    }
    const call = new Call(id, name, this);
    // a synchronous call is timed only when a reply could wait behind it: more calls of this message
    // follow, or it runs outside `handle` (which sends the replies as soon as the message is handled)
    const started = this.#callsLeft > 0 || !this.#handling ? performance.now() : -1;
    let out: unknown;
    try {
      out = this.#storage.run(call, fn as (...a: unknown[]) => unknown, ...args);
    } catch (error) {
      this.reply(id, STATUS_ERROR, encodeError(error));
      this.#maybeExit();
      this.#flushIfSlow(started);
      return;
    }
    if (isThenable(out)) {
      this.#running.set(id, call);
      Promise.resolve(out).then(
        (value) => this.#settle(call, value, flags),
        (error) => {
          this.#running.delete(id);
          this.reply(id, STATUS_ERROR, encodeError(error));
          this.#maybeExit();
        },
      );
    } else {
      this.#settle(call, out, flags);
      this.#flushIfSlow(started);
    }
  }

  /**
   * Replies made in one tick leave together in one message, except after a slow synchronous call: its
   * reply leaves at once, so it does not wait behind the next calls of the batch.
   */
  #flushIfSlow(started: number): void {
    if (started >= 0 && performance.now() - started > 1) this.flush();
  }

  /**
   * Runs a map chunk: one call per argument list, in order; the first error fails the chunk, and
   * carries the results of the items before it (`ccChunkResults`, which the pool takes off the error).
   */
  #invokeChunk(id: number, fn: TaskFn, name: string, chunk: unknown[][]): void {
    const call = new Call(id, name, this);
    const results: unknown[] = new Array(chunk.length);
    let i = 0;
    const fail = (error: unknown, at: number): void => {
      this.#running.delete(id);
      const encoded = encodeError(error) as { $ccError?: 1; props?: Record<string, unknown> };
      if (at > 0 && encoded.$ccError === 1) encoded.props = { ...encoded.props, ccChunkResults: results.slice(0, at) };
      this.reply(id, STATUS_ERROR, encoded);
      this.#maybeExit();
    };
    const step = (): void => {
      try {
        for (; i < chunk.length; i++) {
          const out = this.#storage.run(call, fn as (...a: unknown[]) => unknown, ...chunk[i]!);
          if (isThenable(out)) {
            this.#running.set(id, call);
            const index = i++;
            Promise.resolve(out).then(
              (value) => {
                results[index] = value;
                step();
              },
              (error) => fail(error, index),
            );
            return;
          }
          results[i] = out;
        }
      } catch (error) {
        fail(error, i);
        return;
      }
      this.#running.delete(id);
      this.reply(id, STATUS_OK, results);
      this.#maybeExit();
    };
    step();
  }

  #settle(call: Call, value: unknown, flags: number): void {
    const id = call.id;
    if (isAsyncIterable(value) && !isTransfer(value)) {
      if (!(flags & FLAG_STREAM)) {
        this.#running.delete(id);
        const error = new TypeError(`task "${call.name}" returned an async iterator: consume it as a stream`);
        this.reply(id, STATUS_ERROR, encodeError(error));
        return;
      }
      this.#running.set(id, call);
      call.stream = { iterator: value[Symbol.asyncIterator](), credit: this.#credits.get(id) ?? 0, busy: false };
      this.#credits.delete(id);
      void this.#pump(call);
      return;
    }
    this.#running.delete(id);
    if (flags & FLAG_STREAM) {
      this.reply(id, STATUS_END, value);
    } else {
      this.reply(id, STATUS_OK, value);
    }
    this.#maybeExit();
  }

  #pull(id: number, n: number): void {
    const call = this.#running.get(id);
    if (call?.stream) {
      call.stream.credit += n;
      void this.#pump(call);
    } else {
      // the call has not returned its iterator yet: keep the credit for when it does
      this.#credits.set(id, (this.#credits.get(id) ?? 0) + n);
    }
  }

  async #pump(call: Call): Promise<void> {
    const stream = call.stream;
    if (!stream || stream.busy) return;
    stream.busy = true;
    try {
      while (stream.credit > 0 && this.#running.get(call.id) === call) {
        const step = await this.#storage.run(call, () => stream.iterator.next());
        if (this.#running.get(call.id) !== call) return;
        if (step.done) {
          this.#running.delete(call.id);
          this.reply(call.id, STATUS_END, step.value);
          this.#maybeExit();
          return;
        }
        stream.credit--;
        this.reply(call.id, STATUS_YIELD, step.value);
      }
    } catch (error) {
      this.#running.delete(call.id);
      this.reply(call.id, STATUS_ERROR, encodeError(error));
      this.#maybeExit();
    } finally {
      stream.busy = false;
    }
  }

  #endStream(id: number): void {
    const call = this.#running.get(id);
    if (!call?.stream) return;
    this.#running.delete(id);
    void call.stream.iterator.return?.()?.then(undefined, () => {});
    this.#maybeExit();
  }

  /** Queues a reply; replies made in the same tick leave in one message. */
  reply(id: number, status: number, value: unknown): void {
    if (status !== STATUS_ERROR && isTransfer(value)) {
      (this.#transfers ??= []).push(...value.transferList);
      value = value.value;
    }
    this.#out.push(id, status, value);
    if (id === this.#gateId && status !== STATUS_PROGRESS) {
      if (status === STATUS_ERROR) this.#initError = value; // later calls fail with the initializer's error
      this.#gateId = -1;
      this.#gate = undefined;
      this.#openGate?.();
    }
    if (!this.#flushQueued && !this.#handling) {
      this.#flushQueued = true;
      queueMicrotask(this.#flushLater);
    }
  }

  readonly #flushLater = (): void => {
    this.flush();
    if (this.onIdle !== undefined && this.idle) this.onIdle();
  };

  /** Called when replies sent after the message that started them (async calls) leave the worker idle. */
  onIdle: (() => void) | undefined;

  flush(): void {
    this.#flushQueued = false;
    const out = this.#out;
    if (out.length === 0) return;
    const transfers = this.#transfers;
    this.#out = [];
    this.#transfers = undefined;
    try {
      this.#port.post(out, transfers);
    } catch {
      this.#postOneByOne(out, transfers);
    }
  }

  #postOneByOne(out: unknown[], transfers: TransferListItem[] | undefined): void {
    for (let i = 0; i < out.length; i += 3) {
      const id = out[i] as number;
      const status = out[i + 1] as number;
      const value = out[i + 2];
      const mine = transfers?.filter((t) => containsTransferable(value, t));
      try {
        this.#port.post([id, status, value], mine);
      } catch (error) {
        // only this reply fails, whatever the value does while it is read again (a getter that throws)
        const base = status === STATUS_ERROR ? "error" : status === STATUS_PROGRESS ? "progress" : "result";
        let found: { path: string; what: string } | undefined;
        try {
          found = findUncloneable(value, base, this.#port.checkClone);
        } catch {
          found = undefined;
        }
        const reason = found
          ? new CloneError(found.path, found.what)
          : new CloneError(base, error instanceof Error ? error.message : String(error));
        this.#port.post([id, STATUS_ERROR, encodeError(reason)]);
      }
    }
  }

  #maybeExit(): void {
    if (this.#closing && this.#running.size === 0 && this.#starting === 0 && !this.#exiting) {
      this.#exiting = true;
      this.flush();
      this.#port.exit(0);
    }
  }

  fatal(error: unknown): void {
    if (this.#exiting) return;
    this.#exiting = true;
    this.flush();
    try {
      this.#port.post({ k: "fatal", error: encodeError(error) });
    } catch {
      this.#port.post({ k: "fatal", error: encodeError(new Error(String(error))) });
    }
    this.#port.exit(1);
  }
}

function hasShared(args: unknown[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === "object" && a !== null && SHARED_MARKER in a) return true;
  }
  return false;
}

function containsTransferable(value: unknown, t: TransferListItem): boolean {
  if (value === t) return true;
  if (ArrayBuffer.isView(value)) return value.buffer === t;
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) if (containsTransferable(v, t)) return true;
  }
  return false;
}

/**
 * Sends what this thread writes to `process.stdout` and `process.stderr` through the reply stream
 * (worker threads only: Node's own worker stdio travels on a separate channel, so a task's output could
 * arrive after its result).
 */
function routeOutput(runtime: Runtime): void {
  for (const [fd, stream] of [
    [1, process.stdout],
    [2, process.stderr],
  ] as const) {
    stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      const text =
        typeof chunk === "string"
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(
              typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
            );
      runtime.reply(0, STATUS_OUTPUT, [fd, text]);
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  }
}

/**
 * Serves task calls on `port` until the host asks for shutdown. Worker entry points call this once;
 * it also turns uncaught exceptions and unhandled rejections into a `fatal` message for the host.
 *
 * @example
 * ```ts no-run
 * import { parentPort } from "node:worker_threads";
 * import { serveTasks } from "@cc/core";
 * serveTasks({
 *   post: (m, t) => parentPort!.postMessage(m, t),
 *   listen: (h) => parentPort!.on("message", h),
 *   exit: (code) => process.exit(code),
 * });
 * ```
 */
export function serveTasks(port: RuntimePort): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for("cc.workerRuntime")] = true;
  const runtime = new Runtime(port);
  if (port.routeOutput) routeOutput(runtime);
  process.on("uncaughtException", (error) => runtime.fatal(error));
  process.on("unhandledRejection", (reason) => runtime.fatal(reason));
  const { poll, spinMs = 0, lingerMs = 0, spinForMessage } = port;
  if (poll && spinMs > 0) {
    // Low-latency mode: a core stays busy for `spinMs` after each message, so the next call is picked
    // up at once instead of waking a sleeping thread.
    port.listen((message) => {
      runtime.handle(message);
      let until = performance.now() + spinMs;
      while (performance.now() < until) {
        const next = poll();
        if (next === undefined) continue;
        runtime.handle(next);
        until = performance.now() + spinMs;
      }
    });
  } else if (spinForMessage && lingerMs > 0) {
    // Lingering: after a lone call, stay awake briefly before sleeping. A host that answers a reply
    // with the next call (a sequential loop) then reaches a thread that is awake, which saves the
    // wake-up of a sleeping one. Only a lone call the host waits for lingers (`FLAG_LINGER`): a host that sends batches, or keeps
    // several calls in flight, is busy with the replies, and a lingering worker would take the core
    // another worker needs. A spell only watches for the next message without taking it, so the event
    // loop delivers it as usual and each call's microtasks run before the next call.
    const { beginLinger, endLinger } = port;
    const linger = (): void => {
      lingerQueued = false;
      if (!runtime.lingerHint || !runtime.idle || (beginLinger !== undefined && !beginLinger())) return;
      runtime.lingerHint = false; // one spell per lone call: later cancel, pull or output messages do not linger
      // If the thread is stopped while it lingers, this `finally` does not run: the host takes the claim back.
      try {
        spinForMessage(lingerMs);
      } finally {
        endLinger?.();
      }
    };
    // A call that ended in the listener lingers at once: its microtasks wait until the listener returns,
    // still before the next message. But Node delivers the messages already queued on a port without
    // going round the event loop, so a worker that keeps finding the next message there would hold back
    // its timers: after 1 ms of that, it lingers from `setImmediate` once, and the loop goes round. A
    // call still running when the listener returns lingers once it ends (onIdle), from `setImmediate`.
    let turnedAt = 0;
    let lingerQueued = false;
    const lingerAfterTurn = (): void => {
      turnedAt = performance.now();
      linger();
    };
    const lingerSoon = (): void => {
      if (lingerQueued || !runtime.lingerHint) return;
      lingerQueued = true;
      setImmediate(lingerAfterTurn);
    };
    runtime.onIdle = lingerSoon;
    port.listen((message) => {
      runtime.handle(message);
      if (!runtime.idle || !runtime.lingerHint) return;
      if (performance.now() - turnedAt < 1) linger();
      else lingerSoon();
    });
  } else {
    port.listen((message) => runtime.handle(message));
  }
  port.post({ k: "ready" });
}
