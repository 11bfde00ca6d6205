/**
 * The two transports a worker runs on — a `worker_threads` thread or a child process — behind one
 * interface, so the pool engine is written once. Both start cc's worker runtime and carry
 * structured-clone messages; TypeScript task modules load in both with no configuration.
 *
 * @module
 */

import type { ChildProcess } from "node:child_process";
import * as nodeModule from "node:module";
import { fileURLToPath } from "node:url";
import type { TransferListItem } from "node:worker_threads";
import {
  MessageChannel,
  type MessagePort,
  type ResourceLimits,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";
import { lingerClaims, releaseLinger } from "./_linger.ts";
import { WireReceiver, WireSender } from "./_process_wire.ts";
import { findTsx, tsxSearchPath } from "./_typescript.ts";
import { assertNotBootstrapping } from "./bootstrap.ts";
import type { HostMessage, WorkerMessage } from "./protocol.ts";
import { cloneCheck, containsSharedMemory } from "./uncloneable.ts";

/** Where a worker runs: a thread of this process, or a child process. */
export type WorkerKind = "thread" | "process";

/** How a worker ended. */
export interface ExitInfo {
  /** Exit code, or `null` when ended by a signal. */
  readonly code: number | null;
  /** Signal that ended a child process, or `null`. */
  readonly signal: NodeJS.Signals | null;
  /** The error the thread raised as it died (its `error` event), if any. */
  readonly error: unknown;
  /** True when the worker ran out of memory. */
  readonly outOfMemory: boolean;
}

/** Options of {@linkcode spawnWorker}. */
export interface SpawnOptions {
  /** `"thread"` (default) or `"process"`. */
  kind?: WorkerKind;
  /** Thread heap limits (Node's `resourceLimits`); for a process, `maxOldGenerationSizeMb` becomes `--max-old-space-size`. */
  resourceLimits?: ResourceLimits;
  /** Extra environment variables of a child process (threads share `process.env`). */
  env?: Record<string, string>;
  /**
   * Node.js flags of the worker. Default: a thread inherits the host's flags, less tsx's loader (cc
   * compiles TypeScript task modules itself; `CC_TYPESCRIPT=tsx` keeps it); a process gets none.
   */
  execArgv?: string[];
  /**
   * Low-latency mode (threads only): after each message the worker polls for the next one for this
   * many milliseconds instead of sleeping, and replies on a port the host can poll
   * ({@linkcode Transport.poll}), trading busy cores for round trips of a few microseconds.
   * Default: 0 (off).
   */
  spinMs?: number;
  /**
   * Threads only: after a lone call marked `FLAG_LINGER`, milliseconds the worker stays awake watching
   * for the next message (a counter of posts in shared memory) before it sleeps, so a call sent right
   * after the reply finds it awake. At most one worker fewer than the machine has cores lingers at a
   * time, across the process. Default: 0 (off).
   */
  lingerMs?: number;
}

/** A running worker, as the host sees it. */
export interface Transport {
  /** `"thread"` or `"process"`. */
  readonly kind: WorkerKind;
  /** The thread id or process id. */
  readonly id: number;
  /** Posts a message; throws synchronously when a value cannot be cloned. */
  post(message: HostMessage, transfer?: readonly TransferListItem[]): void;
  /** Throws if `value` cannot be copied to this worker (used to find the path of a bad value). */
  checkClone(value: unknown): void;
  /** Called for each message of the worker. */
  onMessage: ((message: WorkerMessage) => void) | undefined;
  /** Called once when the worker has ended. */
  onExit: ((info: ExitInfo) => void) | undefined;
  /** Keeps the Node.js process alive while this worker lives (while it has work). */
  ref(): void;
  /** Lets the Node.js process exit even though this worker lives (while it is idle). */
  unref(): void;
  /** Stops the worker at once (terminate / SIGTERM then SIGKILL); resolves when it has ended. */
  terminate(): Promise<void>;
  /** True once the worker has ended. */
  readonly exited: boolean;
  /** Low-latency mode only: takes the worker's next message if one has arrived, without waiting. */
  poll?(): WorkerMessage | undefined;
  /** Low-latency mode only: how long a host may poll for a reply, in milliseconds (0: off). */
  readonly spinMs: number;
}

const EXT = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
/** The environment variable that hands a child the tag of cc's messages (it deletes it at once). */
const CHANNEL_TAG_ENV = "CC_CHANNEL_TAG";
/** The environment variable that hands a child the descriptor of its bulk pipe (see `_process_wire.ts`). */
const BULK_FD_ENV = "CC_BULK_FD";
/** A child's bulk pipe: the descriptor after its IPC channel (3). */
const BULK_FD = 4;
/** What a child process can receive: no shared memory, and what `v8.serialize` accepts. */
const processCheck = cloneCheck("process");

/**
 * The channel would copy a typed array on a SharedArrayBuffer without a word, and the caller meant to
 * share it: refused where every message passes (calls, streams, initializer arguments), before it is
 * v8-serialized (a message JSON carries holds no shared memory). The connection then finds the calls at
 * fault with checkClone.
 */
function refuseSharedMemory(message: object): void {
  if (containsSharedMemory(message)) throw new TypeError("shared memory cannot reach a child process");
}

/**
 * Running from sources (tests): whether cc's own TypeScript loader can start a worker's entry. It needs
 * Node's type stripping (for the loader's own file) and in-thread module hooks; elsewhere, tsx.
 */
function sourcesUseOwnLoader(): boolean {
  return (
    process.env.CC_TYPESCRIPT !== "tsx" &&
    Boolean((process.features as { typescript?: unknown }).typescript) &&
    typeof (nodeModule as { registerHooks?: unknown }).registerHooks === "function"
  );
}

const TSX_FLAG = /^--(?:import|require|loader|experimental-loader)$|^-r$/;
const TSX_VALUE = /^tsx(?:\/|$)|[\\/]tsx[\\/]dist[\\/]/;
let inherited: string[] | undefined;

/**
 * The Node flags a worker thread inherits: the host's, without tsx's (`tsx main.ts` adds `--require
 * …/tsx/dist/preflight.cjs --import …/tsx/dist/loader.mjs`). A worker would otherwise load tsx whatever
 * its task module is; cc compiles TypeScript task modules itself when they come (with tsx where it must).
 * `CC_TYPESCRIPT=tsx` keeps them.
 */
function inheritedExecArgv(): string[] {
  if (inherited) return inherited;
  const argv = process.execArgv;
  if (process.env.CC_TYPESCRIPT === "tsx") return (inherited = argv);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const eq = flag.indexOf("=");
    if (eq > 0 && TSX_FLAG.test(flag.slice(0, eq)) && TSX_VALUE.test(flag.slice(eq + 1))) continue;
    if (TSX_FLAG.test(flag) && TSX_VALUE.test(argv[i + 1] ?? "")) {
      i++;
      continue;
    }
    out.push(flag);
  }
  return (inherited = out);
}

function tsxOrThrow(): { api: string; loader: string } {
  const tsx = findTsx(tsxSearchPath(undefined));
  if (!tsx) throw new Error("@cc/core runs from TypeScript sources here, which needs the tsx package: install it");
  return tsx;
}

class ThreadTransport implements Transport {
  readonly kind = "thread";
  readonly id: number;
  readonly spinMs: number;
  onMessage: ((message: WorkerMessage) => void) | undefined;
  onExit: ((info: ExitInfo) => void) | undefined;
  exited = false;
  readonly #worker: Worker;
  /** Lingering: the number of messages posted to the worker, which it watches instead of sleeping. */
  readonly #posted: Int32Array | undefined;
  /**
   * cc's own channel to the worker, both ways: what task code posts on `parentPort` never passes for a
   * reply (it is ignored), and the host can poll it for replies (low-latency mode).
   */
  readonly #port: MessagePort;
  #error: unknown;
  #exitPromise: Promise<void>;

  constructor(options: SpawnOptions) {
    const entry = new URL(`./thread_entry${EXT}`, import.meta.url);
    this.spinMs = options.spinMs ?? 0;
    const lingerMs = options.lingerMs ?? 0;
    if (lingerMs > 0) this.#posted = new Int32Array(new SharedArrayBuffer(4));
    const channel = new MessageChannel();
    this.#port = channel.port1;
    const workerOptions = {
      workerData: {
        spinMs: this.spinMs,
        lingerMs,
        lingerClaims: lingerClaims(), // also for the pools this thread may make
        posted: this.#posted,
        port: channel.port2,
      },
      transferList: [channel.port2],
      resourceLimits: options.resourceLimits,
      execArgv: options.execArgv ?? inheritedExecArgv(),
      stdout: false,
      stderr: false,
    };
    if (EXT === ".ts" && sourcesUseOwnLoader()) {
      // Running from sources (tests): cc's own TypeScript loader, then the entry.
      const hooks = new URL("./_ts_hooks.ts", import.meta.url).href;
      const code = `import(${JSON.stringify(hooks)}).then((h) => { h.registerTypeScriptHooks(${JSON.stringify(hooks)}); globalThis[Symbol.for("cc.typescriptRegistered")] = "transform"; return import(${JSON.stringify(entry.href)}); })`;
      this.#worker = new Worker(code, { ...workerOptions, eval: true });
    } else if (EXT === ".ts") {
      // Running from sources (tests, tsx): register tsx inside the thread before loading the entry.
      const tsx = tsxOrThrow();
      const code = `import(${JSON.stringify(tsx.api)}).then(({ register }) => { register(); globalThis[Symbol.for("cc.typescriptRegistered")] = true; return import(${JSON.stringify(entry.href)}); })`;
      this.#worker = new Worker(code, { ...workerOptions, eval: true });
    } else {
      this.#worker = new Worker(entry, workerOptions);
    }
    this.id = this.#worker.threadId;
    // messages task code posts on `parentPort` are not cc's: the worker's own "message" event is not heard
    this.#port.on("message", (message: WorkerMessage) => this.onMessage?.(message));
    this.#worker.on("error", (error) => {
      this.#error = error;
    });
    this.#exitPromise = new Promise((resolve) => {
      this.#worker.once("exit", (code) => {
        this.exited = true;
        releaseLinger(lingerClaims(), this.id); // in case it stopped while it lingered
        // what the worker sent last on its port may not have been delivered yet: deliver it first
        const port = this.#port;
        for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
          this.onMessage?.(m.message as WorkerMessage);
        }
        port.close();
        const error = this.#error as { code?: string } | undefined;
        const outOfMemory = error?.code === "ERR_WORKER_OUT_OF_MEMORY";
        this.onExit?.({ code, signal: null, error: this.#error, outOfMemory });
        resolve();
      });
    });
  }

  post(message: HostMessage, transfer?: readonly TransferListItem[]): void {
    this.#port.postMessage(message, transfer as TransferListItem[] | undefined);
    if (this.#posted) Atomics.add(this.#posted, 0, 1); // a lingering worker watches this
  }
  checkClone(value: unknown): void {
    structuredClone(value);
  }
  ref(): void {
    this.#worker.ref();
    this.#port.ref();
  }
  unref(): void {
    this.#worker.unref();
    this.#port.unref();
  }
  terminate(): Promise<void> {
    if (!this.exited) void this.#worker.terminate();
    return this.#exitPromise;
  }
  poll(): WorkerMessage | undefined {
    return receiveMessageOnPort(this.#port)?.message as WorkerMessage | undefined;
  }
}

class ProcessTransport implements Transport {
  readonly kind = "process";
  readonly id: number;
  readonly spinMs = 0;
  onMessage: ((message: WorkerMessage) => void) | undefined;
  onExit: ((info: ExitInfo) => void) | undefined;
  exited = false;
  readonly #child: ChildProcess;
  readonly #sender: WireSender;
  readonly #heapLimited: boolean;
  /** The tag of cc's messages from this child (see `process_entry.ts`): others on its channel are not cc's. */
  // child_process and crypto are loaded on the first child process, not when cc is imported (~5 ms).
  readonly #tag = process.getBuiltinModule("node:crypto").randomInt(1, 2 ** 47);
  #error: unknown;
  #exitPromise: Promise<void>;

  constructor(options: SpawnOptions) {
    const entry = fileURLToPath(new URL(`./process_entry${EXT}`, import.meta.url));
    const execArgv = [...(options.execArgv ?? [])];
    const heap = options.resourceLimits?.maxOldGenerationSizeMb;
    this.#heapLimited = heap !== undefined;
    if (heap !== undefined) execArgv.push(`--max-old-space-size=${heap}`);
    if (EXT === ".ts") {
      const loader = sourcesUseOwnLoader() ? new URL("./_ts_register.ts", import.meta.url).href : tsxOrThrow().loader;
      execArgv.push("--import", loader);
    }
    this.#child = process.getBuiltinModule("node:child_process").fork(entry, [], {
      // plain messages as JSON, the others v8-serialized inside them (see _process_wire.ts)
      serialization: "json",
      execArgv,
      env: {
        ...process.env,
        ...options.env,
        [CHANNEL_TAG_ENV]: String(this.#tag),
        [BULK_FD_ENV]: String(BULK_FD),
      },
      stdio: ["ignore", "inherit", "inherit", "ipc", "pipe"],
    });
    this.id = this.#child.pid ?? -1;
    const child = this.#child;
    // the pipe of large v8-serialized messages, both ways (see _process_wire.ts)
    const bulk = child.stdio[BULK_FD] as import("node:net").Socket;
    // cc's messages come tagged (see _process_wire.ts); what task code or a library sends with
    // `process.send` is not cc's (it cannot know the tag), and is ignored
    const receiver = new WireReceiver(this.#tag, (message) => this.onMessage?.(message as WorkerMessage));
    child.on("message", (wire: unknown) => receiver.message(wire));
    bulk.on("data", (chunk: Buffer) => receiver.data(chunk));
    bulk.on("error", () => {}); // the child is gone: its exit tells
    // never keeps Node alive by itself: the child's handle does while a call is in flight (ref())
    bulk.unref();
    this.#sender = new WireSender(this.#tag, (wire) => child.send(wire), bulk, refuseSharedMemory);
    child.on("error", (error) => {
      this.#error = error;
    });
    this.#exitPromise = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        const end = (): void => {
          this.exited = true;
          const outOfMemory = this.#heapLimited && (signal === "SIGABRT" || code === 134);
          this.onExit?.({ code, signal, error: this.#error, outOfMemory });
          resolve();
        };
        // a message whose frame is still in the bulk pipe is delivered first
        if (receiver.waiting && !bulk.destroyed) bulk.once("close", end);
        else end();
      });
    });
  }

  post(message: HostMessage): void {
    if (!this.#child.connected) throw new Error(`child process ${this.id} is not connected`);
    this.#sender.post(message);
  }
  checkClone(value: unknown): void {
    processCheck(value);
  }
  ref(): void {
    this.#child.ref();
    (this.#child.channel as { ref?: () => void } | undefined)?.ref?.();
  }
  unref(): void {
    this.#child.unref();
    (this.#child.channel as { unref?: () => void } | undefined)?.unref?.();
  }
  terminate(): Promise<void> {
    if (!this.exited) {
      this.ref(); // a caller awaiting the end keeps Node alive until the child's exit is seen
      this.#child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!this.exited) this.#child.kill("SIGKILL");
      }, 1000);
      timer.unref();
    }
    return this.#exitPromise;
  }
}

/**
 * Starts a worker — a thread (default) or a child process — running cc's task runtime.
 * Most code uses an executor, `Thread` or `Process` instead; transports are for engine authors.
 *
 * @example
 * ```ts no-run
 * import { spawnWorker, WorkerConnection, task } from "@cc/core";
 * const connection = new WorkerConnection(spawnWorker({ kind: "process" }));
 * const square = task<(x: number) => number>("/app/tasks.js", "square");
 * console.log(await connection.run(square, [12])); // 144
 * await connection.close();
 * ```
 */
export function spawnWorker(options: SpawnOptions = {}): Transport {
  const kind = options.kind ?? "thread";
  assertNotBootstrapping(kind === "process" ? "a child process" : "a worker thread");
  if (kind === "thread") return new ThreadTransport(options);
  if (kind === "process") return new ProcessTransport(options);
  throw new TypeError(`kind must be "thread" or "process", got ${JSON.stringify(kind)}`);
}
