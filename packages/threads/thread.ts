/**
 * {@linkcode Thread}, Python's `threading.Thread` on a `worker_threads` worker.
 *
 * @module
 */
import { threadId } from "node:worker_threads";
import {
  assertNotBootstrapping,
  CloneError,
  describe,
  InvalidStateError,
  isShareable,
  isTask,
  SHAREABLE,
  type SharedHandle,
  spawnWorker,
  type Task,
  task,
  taskExportName,
  taskModuleUrl,
  WorkerConnection,
} from "@cc/core";
import { type noop, RUN_IN_WORKER, type runThread } from "./_thread_runner.ts";

const RUNNER_URL = new URL(`./_thread_runner${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
const runThreadTask = task<typeof runThread>(RUNNER_URL, "runThread");
const noopTask = task<typeof noop>(RUNNER_URL, "noop");

let counter = 0;

/** Options of the {@linkcode Thread} constructor (Python's `Thread(target=…, args=…, name=…, daemon=…)`). */
export interface ThreadOptions<A extends unknown[] = unknown[], R = unknown> {
  /**
   * The task the thread runs: `task(import.meta.url, "fn")` or `defineTask(import.meta.url, fn)`.
   * Without one, the thread runs its {@linkcode Thread.run} method (a subclass overrides it).
   *
   * @default {undefined}
   */
  target?: Task<A, R>;
  /**
   * The target's arguments. They are copied to the thread (structured clone); `@cc/threads`
   * primitives given as top-level arguments are shared, not copied.
   *
   * @default {[]}
   */
  args?: NoInfer<A>;
  /**
   * The thread's name.
   *
   * @default {"Thread-N (target)"} (N counts the threads created without a name, as in Python)
   */
  name?: string;
  /**
   * A daemon thread does not keep Node.js alive while it runs (except while someone awaits its
   * `join()`); Python ends daemon threads abruptly at exit, and so does Node.
   *
   * @default {false}
   */
  daemon?: boolean;
}

/** Options of {@linkcode Thread.join}. */
export interface JoinOptions {
  /**
   * Stop waiting after this many milliseconds: `join` then resolves `undefined` and the thread keeps
   * running (Python's `join(timeout)`); call `isAlive()` to tell. A negative timeout counts as 0.
   *
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * Stop waiting when this signal aborts: `join` rejects with `signal.reason`. The thread keeps running.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** What crosses to the worker for a subclass that overrides `run()`. */
interface ThreadState {
  name: string;
  daemon: boolean;
  target: Task | undefined;
  args: unknown[];
  fields: Record<string, unknown>;
}

type Phase = "initial" | "started" | "stopped";

/**
 * Python's `threading.Thread`: a `worker_threads` worker running a cc task. Each thread owns one
 * worker, spawned by `start()` and closed once its target has finished; `join()` gives the target's
 * return value (Python's gives `None`) or rejects with its error.
 *
 * A cc thread is a separate V8 isolate: it gets copies of its arguments and returns a copy of its
 * result, and it runs JavaScript in parallel with the main thread (there is no GIL). More threads
 * than CPUs is fine: they share the CPUs.
 *
 * A running non-daemon thread keeps Node.js alive, as a Python thread keeps its program alive; a
 * thread that has finished (or never started) never does.
 *
 * **Subclasses.** As in Python, a subclass may override `run()` instead of passing a `target`. The
 * worker must then load the class, so the class is exported and says where from, with
 * `static override module = import.meta.url`. On `start()`, the instance's own enumerable fields are
 * copied to the worker onto a new instance of the class (its constructor does not run again there),
 * `run()` is called on it, and afterwards its fields are copied back onto this object — so
 * `t.output` is readable after `await t.join()`. Keep the module's main code under
 * `if (isMainModule(import.meta))` so that the worker does not run it again.
 *
 * @typeParam A The target's parameters.
 * @typeParam R The target's (awaited) result, which `join()` resolves with.
 *
 * @example A target task (the seed's n1)
 * ```ts
 * import { isMainModule, task } from "@cc/core";
 * import { Thread } from "@cc/threads";
 *
 * export function square(id: number): number {
 *   return id ** 2;
 * }
 *
 * if (isMainModule(import.meta)) {
 *   const t = new Thread({ target: task<typeof square>(import.meta.url, "square"), args: [123] });
 *   t.start();
 *   console.log(await t.join()); // 15129
 * }
 * ```
 *
 * @example A subclass that overrides run() (the seed's n3)
 * ```ts
 * import { isMainModule } from "@cc/core";
 * import { Thread } from "@cc/threads";
 *
 * export class MyTaskInThread extends Thread {
 *   static override module = import.meta.url;
 *   output: number | undefined = undefined;
 *   constructor(readonly id: number) {
 *     super();
 *   }
 *   override run(): void {
 *     this.output = this.id ** 2; // runs in the worker
 *   }
 * }
 *
 * if (isMainModule(import.meta)) {
 *   const t = new MyTaskInThread(123);
 *   t.start();
 *   await t.join();
 *   console.log(t.output); // 15129
 * }
 * ```
 */
export class Thread<A extends unknown[] = unknown[], R = unknown> {
  /**
   * `file:` URL (or absolute path) of the module that exports this class, for subclasses that
   * override `run()`: write `static override module = import.meta.url`.
   *
   * @default {undefined}
   */
  static module: string | URL | undefined;
  /**
   * The name under which {@linkcode Thread.module} exports the class, if not the class's own `name`
   * (e.g. after minification).
   *
   * @default {undefined} (the class's `name`)
   */
  static exportName: string | undefined;

  #name: string;
  #daemon: boolean;
  readonly #target: Task<A, R> | undefined;
  readonly #args: A;
  #phase: Phase = "initial";
  #ident: number | undefined;
  #connection: WorkerConnection | undefined;
  #done: Promise<R> | undefined;
  /** Joins waiting now (a join that timed out or was aborted no longer counts). */
  #joins = 0;
  #revived = false;

  /**
   * Creates a thread; `start()` runs it.
   *
   * @param options The target, its arguments, the name and the daemon flag.
   * @throws {TypeError} If `target` is not a task, `args` not an array or `name` not a string.
   *
   * @example
   * ```ts
   * import { task } from "@cc/core";
   * import { Thread } from "@cc/threads";
   * const t = new Thread({ target: task("/app/tasks.js", "square"), args: [3], name: "squarer" });
   * console.assert(t.name === "squarer" && !t.isAlive() && t.ident === undefined);
   * ```
   */
  constructor(options: ThreadOptions<A, R> = {}) {
    assertNotBootstrapping(`a ${new.target.name}`);
    const { target, args = [] as unknown as A, name, daemon = false } = options;
    if (target !== undefined && !isTask(target)) {
      throw new TypeError(
        `target must be a task (task(import.meta.url, "name") or defineTask(...)), got ${describe(target)}`,
      );
    }
    if (!Array.isArray(args)) throw new TypeError(`args must be an array, got ${describe(args)}`);
    if (name !== undefined && typeof name !== "string")
      throw new TypeError(`name must be a string, got ${describe(name)}`);
    this.#target = target;
    this.#args = args;
    this.#daemon = Boolean(daemon);
    this.#name = name ?? `Thread-${++counter}${target ? ` (${target.name})` : ""}`;
  }

  /**
   * Rebuilds a thread subclass instance in the worker (used by cc's runtime; the `Shareable` protocol
   * of `@cc/core`). The class's constructor does not run: the instance gets the fields it had when
   * it was started.
   *
   * @param state The state the host sent.
   * @returns The instance, alive from its own point of view.
   * @throws {TypeError} If `state` is not such a state.
   *
   * @example
   * ```ts
   * import { Thread } from "@cc/threads";
   * class Job extends Thread { id = 0; }
   * const job = Job.fromShared({ name: "job", daemon: false, target: undefined, args: [], fields: { id: 7 } });
   * console.assert(job instanceof Job && (job as Job).id === 7 && job.isAlive());
   * ```
   */
  static fromShared(state: unknown): Thread {
    const s = state as ThreadState | null;
    if (typeof s !== "object" || s === null || typeof s.name !== "string" || typeof s.fields !== "object") {
      throw new TypeError(`Thread.fromShared() needs the state of a started Thread, got ${describe(state)}`);
    }
    const options: ThreadOptions = { name: s.name, daemon: s.daemon, target: s.target, args: s.args };
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being revived, not Thread
    const thread = Reflect.construct(Thread, [options], this) as Thread;
    thread.#revived = true;
    thread.#phase = "started";
    thread.#ident = threadId;
    Object.assign(thread, s.fields);
    return thread;
  }

  /**
   * The thread's name (Python's `name`); it can be changed at any time and is for messages only.
   *
   * @example
   * ```ts
   * import { Thread } from "@cc/threads";
   * const t = new Thread({ name: "downloader" });
   * console.assert(t.name === "downloader");
   * ```
   */
  get name(): string {
    return this.#name;
  }
  set name(value: string) {
    if (typeof value !== "string") throw new TypeError(`name must be a string, got ${describe(value)}`);
    this.#name = value;
  }

  /**
   * True for a daemon thread (see {@linkcode ThreadOptions.daemon}). Settable until `start()`.
   *
   * @throws {InvalidStateError} When set after `start()` (Python's `RuntimeError`).
   *
   * @example
   * ```ts
   * import { Thread } from "@cc/threads";
   * const t = new Thread();
   * t.daemon = true;
   * console.assert(t.daemon);
   * ```
   */
  get daemon(): boolean {
    return this.#daemon;
  }
  set daemon(value: boolean) {
    if (this.#phase !== "initial") throw new InvalidStateError("cannot set daemon status of active thread");
    this.#daemon = Boolean(value);
  }

  /**
   * The worker's `threadId` once started (Python's `ident`), `undefined` before. Inside the thread's
   * own `run()` it is the worker's `threadId` too.
   *
   * @example
   * ```ts
   * import { Thread } from "@cc/threads";
   * console.assert(new Thread().ident === undefined);
   * ```
   */
  get ident(): number | undefined {
    return this.#ident;
  }

  /**
   * Python's `native_id`. Node.js exposes no operating-system thread id, so this is the worker's
   * `threadId`, the same as {@linkcode Thread.ident}.
   *
   * @example
   * ```ts
   * import { Thread } from "@cc/threads";
   * console.assert(new Thread().nativeId === undefined);
   * ```
   */
  get nativeId(): number | undefined {
    return this.#ident;
  }

  /**
   * True from `start()` until the thread has finished and its worker has exited (Python's
   * `is_alive()`).
   *
   * @example
   * ```ts
   * import { Thread } from "@cc/threads";
   * console.assert(!new Thread().isAlive());
   * ```
   */
  isAlive(): boolean {
    return this.#phase === "started";
  }

  /**
   * Starts the thread: spawns its worker and runs the target there (or, for a subclass that overrides
   * `run()`, a copy of this object's `run()`). Returns at once.
   *
   * @throws {InvalidStateError} If the thread was started before (Python's `RuntimeError`).
   * @throws {TypeError} If a subclass overrides `run()` but has no `static module`.
   *
   * @example
   * ```ts no-run
   * import { task } from "@cc/core";
   * import { Thread } from "@cc/threads";
   * const t = new Thread({ target: task(new URL("./tasks.js", import.meta.url), "square"), args: [12] });
   * t.start();
   * console.log(t.isAlive(), await t.join(), t.isAlive()); // true 144 false
   * ```
   */
  start(): void {
    if (this.#phase !== "initial" || this.#revived) throw new InvalidStateError("threads can only be started once");
    let call: Task;
    let args: unknown[];
    const subclassRun = this.run !== Thread.prototype.run;
    if (subclassRun) {
      [call, args] = this.#subclassCall();
    } else if (this.#target) {
      [call, args] = [this.#target, this.#args];
    } else {
      [call, args] = [noopTask, []];
    }
    const connection = new WorkerConnection(spawnWorker({ kind: "thread" }));
    this.#connection = connection;
    this.#ident = connection.transport.id;
    this.#phase = "started";
    const running = connection.run(call, args);
    this.#updateRef();
    this.#done = (async () => {
      try {
        const out = await running.catch((error: unknown) => {
          throw subclassRun ? this.#renameCloneError(error) : error;
        });
        if (!subclassRun) return out as R;
        const [value, fields] = out as [R, Record<string, unknown>];
        Object.assign(this, fields);
        return value;
      } finally {
        await connection.close();
        this.#phase = "stopped";
        this.#connection = undefined;
      }
    })();
    this.#done.catch((error: unknown) => {
      // Python's default threading.excepthook: report a failure nobody is waiting for. This runs before
      // the waiting joins' handlers (it was registered first), so `#joins` still counts them.
      if (this.#joins === 0) console.error(`Exception in thread ${this.#name}:`, error);
    });
  }

  /** A field that cannot be cloned: name it `this.<field>` rather than by the internal handle's path. */
  #renameCloneError(error: unknown): unknown {
    if (!(error instanceof CloneError)) return error;
    const at = error.path.indexOf(".state.fields.");
    if (at < 0) return error;
    const path = `${this.constructor.name}.${error.path.slice(at + ".state.fields.".length)}`;
    const what = error.message.slice(error.message.indexOf(": ") + 2).replace(/ cannot cross.*$/, "");
    return new CloneError(path, what, undefined, { cause: error });
  }

  #subclassCall(): [Task, unknown[]] {
    const ctor = this.constructor as typeof Thread;
    if (ctor.module === undefined || !Object.hasOwn(ctor, "module")) {
      throw new TypeError(
        `${ctor.name} overrides run(), so its worker must load the class: export it and add \`static override module = import.meta.url\``,
      );
    }
    const url = taskModuleUrl(ctor.module);
    const name = taskExportName(ctor.exportName ?? ctor.name);
    const fields: Record<string, unknown> = {};
    const sharedKeys: string[] = [];
    const shared: unknown[] = [];
    for (const key of Object.keys(this)) {
      const value = (this as Record<string, unknown>)[key];
      if (isShareable(value)) {
        sharedKeys.push(key);
        shared.push(value);
      } else {
        fields[key] = value;
      }
    }
    const state: ThreadState = {
      name: this.#name,
      daemon: this.#daemon,
      target: this.#target,
      args: this.#args,
      fields,
    };
    const handle = { [SHAREABLE]: (): SharedHandle => ({ url, name, state }) };
    return [runThreadTask as Task, [handle, sharedKeys, ...shared]];
  }

  /**
   * What the thread does (Python's `run()`): calls the target with the arguments, in the calling
   * thread. `start()` runs it in the worker. Subclasses override it (see the class doc); an override
   * runs in the worker, on a copy of the object.
   *
   * @returns The target's result (`undefined` without a target). An override may return a value or
   *   a promise; `join()` resolves with it.
   *
   * @example
   * ```ts
   * import { Thread } from "@cc/threads";
   * console.assert((await new Thread().run()) === undefined);
   * ```
   */
  run(): R | Promise<R> {
    return this.#runTarget();
  }

  async #runTarget(): Promise<R> {
    const target = this.#target;
    if (!target) return undefined as R;
    const ns = (await import(target.url)) as Record<string, unknown>;
    const fn = Object.hasOwn(ns, target.name) ? ns[target.name] : undefined;
    if (typeof fn !== "function") throw new TypeError(`${target.url} has no function export "${target.name}"`);
    return (await fn(...this.#args)) as R;
  }

  /**
   * Waits until the thread has finished and resolves with the target's (or `run()`'s) return value;
   * rejects with its error (class, message and stack kept). With a `timeout`, resolves `undefined`
   * once the timeout has passed and leaves the thread running, as Python's `join(timeout)` does: call
   * {@linkcode Thread.isAlive} to tell. While a `join` is pending, even a daemon thread keeps Node.js
   * alive (Python's main thread would be blocked in it).
   *
   * A thread cannot join itself: inside a subclass's `run()`, `this.join()` throws. The options
   * ({@linkcode JoinOptions}) are a `timeout` (ms) and a `signal`.
   *
   * @throws {InvalidStateError} Before `start()`, or on the thread's own copy in its worker
   *   (Python's `RuntimeError`).
   * @throws {RangeError} If `timeout` is not a number.
   *
   * @example
   * ```ts ignore
   * const t = new Thread({ target: slowTask });
   * t.start();
   * if ((await t.join({ timeout: 100 })) === undefined && t.isAlive()) console.log("still running");
   * console.log(await t.join()); // the result
   * ```
   */
  join(): Promise<R>;
  join(options: JoinOptions): Promise<R | undefined>;
  join(options: JoinOptions = {}): Promise<R | undefined> {
    if (this.#revived) throw new InvalidStateError("cannot join current thread");
    const done = this.#done;
    if (done === undefined) throw new InvalidStateError("cannot join thread before it is started");
    const { timeout = Number.POSITIVE_INFINITY, signal } = options;
    if (typeof timeout !== "number" || Number.isNaN(timeout)) {
      throw new RangeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#phase === "stopped") return done;
    this.#joins++;
    this.#updateRef();
    return new Promise<R | undefined>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#joins--;
        this.#updateRef();
      };
      const onAbort = (): void => {
        finish();
        reject(signal?.reason);
      };
      if (timeout !== Number.POSITIVE_INFINITY) {
        timer = setTimeout(
          () => {
            timer = undefined;
            finish();
            resolve(undefined);
          },
          Math.max(0, timeout),
        );
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      done.then(
        (value) => {
          finish();
          resolve(value);
        },
        (error: unknown) => {
          finish();
          reject(error);
        },
      );
    });
  }

  /** Keeps Node.js alive while the thread runs, unless it is a daemon nobody is joining. */
  #updateRef(): void {
    const transport = this.#connection?.transport;
    if (!transport || transport.exited) return;
    if (!this.#daemon || this.#joins > 0) transport.ref();
    else transport.unref();
  }

  /** Runs `run()` in the worker and returns `[result, own enumerable fields]` (see `_thread_runner.ts`). */
  async [RUN_IN_WORKER](): Promise<[unknown, Record<string, unknown>]> {
    const value = await this.run();
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(this)) {
      const field = (this as Record<string, unknown>)[key];
      if (!isShareable(field)) fields[key] = field;
    }
    return [value, fields];
  }

  /**
   * Python's `repr()`: the class, name, state and ident.
   *
   * @example
   * ```ts
   * import { Thread } from "@cc/threads";
   * console.assert(new Thread({ name: "t" }).toString() === "<Thread(t, initial)>");
   * ```
   */
  toString(): string {
    const state = this.#phase === "started" ? "started" : this.#phase === "stopped" ? "stopped" : "initial";
    const daemon = this.#daemon ? " daemon" : "";
    const ident = this.#ident === undefined ? "" : ` ${this.#ident}`;
    return `<${this.constructor.name}(${this.#name}, ${state}${daemon}${ident})>`;
  }
}
