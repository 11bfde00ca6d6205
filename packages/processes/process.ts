/**
 * Python's `multiprocessing.Process`: one child process per object, running a target task or the
 * `run()` of a subclass.
 *
 * @module
 */
import { constants } from "node:os";
import {
  assertNotBootstrapping,
  CloneError,
  cloneCheck,
  findUncloneable,
  InvalidStateError,
  SHAREABLE,
  type SharedHandle,
  spawnWorker,
  type Task,
  taskExportName,
  taskModuleUrl,
  WorkerConnection,
  WorkerExitError,
} from "@cc/core";
import { NAME_ENV, ownName, PARENT_NAME_ENV, PARENT_PID_ENV, reviveField, running, shareField } from "./_children.ts";
import { encodeNested, hasNestedPrimitive } from "./_nested.ts";
import { nothingTask, runProcessObjectTask, runTargetRevivedTask } from "./_process_runner.ts";

/** What a child process can receive (no shared memory; what `v8.serialize` accepts). */
const TO_CHILD = cloneCheck("process");

/** Options of {@linkcode Process}. */
export interface ProcessOptions<A extends unknown[] = unknown[], R = unknown> {
  /** The task the child process runs (Python's `target`). Default: none (a subclass overrides `run()`). */
  target?: Task<A, R>;
  /** The target's arguments, copied to the child with structured clone (Python's `args`). Default: `[]`. */
  args?: A;
  /** The process's name, for messages. Default: `"Process-N"`, N counting the processes made here (Python). */
  name?: string;
  /** Extra environment variables of the child process. Default: none. */
  env?: Record<string, string>;
  /** Extra Node.js flags of the child process. Default: none. */
  execArgv?: string[];
}

/** Options of {@linkcode Process.join}. */
export interface ProcessJoinOptions {
  /**
   * Milliseconds to wait at most (Python's `timeout`, in seconds there). When they pass first, `join`
   * resolves to `undefined` and the process goes on: check `exitCode` (still `null`) or `isAlive()`.
   * Default: wait until the process has ended.
   */
  timeout?: number;
}

// A Process's own state lives under a symbol, not in #private fields: in the child, the object is
// rebuilt without running its constructor (as Python's pickle does), and its fields are its own
// enumerable properties only. Symbol.for, so every copy of this package agrees.
const STATE: unique symbol = Symbol.for("cc.processes.Process") as never;

interface HostState {
  readonly child: false;
  name: string;
  readonly target: Task | undefined;
  readonly args: unknown[];
  readonly env: Record<string, string> | undefined;
  readonly execArgv: string[] | undefined;
  connection: WorkerConnection | undefined;
  ended: Promise<void> | undefined;
  exitCode: number | null;
  result: unknown;
  error: unknown;
  closed: boolean;
}

interface ChildState {
  readonly child: true;
  name: string;
}

type State = HostState | ChildState;

/** What the child needs to rebuild a subclass object: its name and own fields. */
interface SharedState {
  readonly name: string;
  readonly fields: Record<string, unknown>;
}

let counter = 0;

function hostState(p: Process<unknown>, what: string): HostState {
  const state = p[STATE];
  if (state.child) throw new InvalidStateError(`${what} is only possible in the process that created ${state.name}`);
  if (state.closed) throw new InvalidStateError(`${what}: ${state.name} was closed`);
  return state;
}

function checkOpen(state: State, what: string): void {
  if (!state.child && state.closed) throw new InvalidStateError(`${what}: ${state.name} was closed`);
}

/** The fields of a subclass object, as they travel to its child (a primitive as its handle). */
function ownFields(p: Process<unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(p)) fields[key] = shareField((p as unknown as Record<string, unknown>)[key]);
  return fields;
}

function signal(p: Process<unknown>, what: string, name: NodeJS.Signals): void {
  const connection = hostState(p, what).connection;
  // a child that never got a pid (it failed to spawn) has id -1, and kill(-1) would signal every process
  if (!connection || connection.exited || connection.transport.id <= 0) return;
  try {
    process.kill(connection.transport.id, name);
  } catch {
    // it has just ended
  }
}

/** Runs a target task here, in this process (`Process.prototype.run` called directly). */
async function runTarget(state: State): Promise<unknown> {
  if (state.child || state.target === undefined) return undefined;
  const ns = (await import(state.target.url)) as Record<string, (...args: unknown[]) => unknown>;
  return await ns[state.target.name]!(...state.args);
}

function signalNumber(signal: NodeJS.Signals): number {
  return (constants.signals as Record<string, number>)[signal] ?? 0;
}

/**
 * A child process running one task (Python's `multiprocessing.Process`). Give a `target` task and its
 * `args`, or subclass it and override `run()`; `start()` starts the child, `join()` waits for it and
 * resolves to what the target (or `run()`) returned — Python's `join` returns `None`, cc gives the
 * output — and `exitCode` says how it ended, as Python's `exitcode`: `0` on success, `1` if the
 * target threw (the error is in `error` and printed to stderr, as Python prints the traceback), `n`
 * for `process.exit(n)`, `-N` when killed by signal N.
 *
 * **Subclasses.** The child process loads the subclass from its module, so the class must be exported
 * under its name and say where it lives: `static module = import.meta.url` (`static exportName` if the
 * export name differs). The child rebuilds the object *without running its constructor*, from a
 * structured-clone copy of its own fields — what Python's pickle does — then calls `run()`. Fields set
 * in the child do not come back: return the output from `run()`.
 *
 * A started process keeps Node alive until it ends (a non-daemon process in Python); a child whose
 * parent dies exits too, within about half a second even in the middle of a CPU-bound task. The child
 * ignores SIGINT (a terminal's Ctrl-C reaches the whole process group): its parent decides, e.g. by
 * calling `terminate()`.
 *
 * @example With a target
 * ```ts no-run
 * import { task } from "@cc/core";
 * import { Process } from "@cc/processes";
 * export function square(x: number): number { return x * x; }
 * const p = new Process({ target: task<typeof square>(import.meta.url, "square"), args: [123] });
 * p.start();
 * console.log(await p.join(), p.exitCode); // 15129 0
 * ```
 *
 * @example A subclass (the seed's n10)
 * ```ts no-run
 * import { Process } from "@cc/processes";
 * export class SquareProcess extends Process<number> {
 *   static override module = import.meta.url;
 *   constructor(readonly id: number) { super(); }
 *   override run(): number { return this.id ** 2; }
 * }
 * const p = new SquareProcess(123);
 * p.start();
 * console.log(await p.join()); // 15129
 * ```
 */
export class Process<R = unknown> {
  /** The module (`import.meta.url`) of a subclass that overrides `run()`, so its child can load it. */
  static module: string | URL | undefined;
  /** The subclass's export name, if it differs from the class's name. */
  static exportName: string | undefined;

  /** @internal The object's state in this process (host or child). */
  declare readonly [STATE]: State;

  constructor(options: ProcessOptions<unknown[], R> = {}) {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    assertNotBootstrapping(`a ${new.target.name}`);
    const { target, args = [], name, env, execArgv } = options;
    if (
      target !== undefined &&
      (typeof target !== "object" ||
        target === null ||
        typeof target.url !== "string" ||
        typeof target.name !== "string")
    ) {
      throw new TypeError("target must be a task (made with task() or defineTask())");
    }
    if (!Array.isArray(args)) throw new TypeError("args must be an array");
    if (name !== undefined && typeof name !== "string")
      throw new TypeError(`name must be a string, got ${typeof name}`);
    counter++;
    const state: HostState = {
      child: false,
      name: name ?? `Process-${counter}`,
      target,
      args,
      env,
      execArgv,
      connection: undefined,
      ended: undefined,
      exitCode: null,
      result: undefined,
      error: undefined,
      closed: false,
    };
    Object.defineProperty(this, STATE, { value: state, enumerable: false });
  }

  /**
   * @internal
   * Rebuilds a subclass object in its child process (used by cc's worker runtime): an object of this
   * class with the copied fields, its constructor not run.
   */
  static fromShared<P extends Process>(this: abstract new (...args: never[]) => P, shared: SharedState): P {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the runtime rebuilds
    const object = Object.create(this.prototype) as P;
    Object.defineProperty(object, STATE, { value: { child: true, name: shared.name } satisfies ChildState });
    for (const key of Object.keys(shared.fields)) shared.fields[key] = reviveField(shared.fields[key]);
    return Object.assign(object, shared.fields);
  }

  /** @internal How a subclass object travels to its child process. */
  [SHAREABLE](): SharedHandle {
    const ctor = this.constructor as typeof Process;
    const fields = ownFields(this);
    return {
      url: taskModuleUrl(ctor.module!),
      name: ctor.exportName ?? ctor.name,
      state: { name: this.name, fields } satisfies SharedState,
    };
  }

  /**
   * The process's name (Python's `name`).
   *
   * @example
   * ```ts
   * import { Process } from "@cc/processes";
   * const p = new Process({ name: "downloader" });
   * console.assert(p.name === "downloader" && new Process().name.startsWith("Process-"));
   * ```
   */
  get name(): string {
    return this[STATE].name;
  }
  set name(value: string) {
    if (typeof value !== "string") throw new TypeError(`name must be a string, got ${typeof value}`);
    this[STATE].name = value;
  }

  /**
   * The child's process id once started, else `undefined` (Python's `pid`); inside the child, its own.
   *
   * @example
   * ```ts
   * import { Process } from "@cc/processes";
   * console.assert(new Process().pid === undefined); // until start()
   * ```
   */
  get pid(): number | undefined {
    const state = this[STATE];
    if (state.child) return process.pid;
    checkOpen(state, "pid");
    return state.connection?.transport.id;
  }

  /**
   * How the process ended (Python's `exitcode`): `null` while it runs (or before `start`), `0` on
   * success, `1` when the target threw, `n` after `process.exit(n)`, `-N` when killed by signal N.
   *
   * @example
   * ```ts
   * import { Process } from "@cc/processes";
   * console.assert(new Process().exitCode === null); // not started; 0 once a started target returned
   * ```
   */
  get exitCode(): number | null {
    const state = this[STATE];
    checkOpen(state, "exitCode");
    return state.child ? null : state.exitCode;
  }

  /**
   * The error the target threw (or that ended the child), once it ended; `undefined` on success.
   *
   * @example
   * ```ts
   * import { Process } from "@cc/processes";
   * console.assert(new Process().error === undefined); // the target's error once it failed in the child
   * ```
   */
  get error(): unknown {
    const state = this[STATE];
    return state.child ? undefined : state.error;
  }

  /**
   * True from `start()` until the child process has ended (Python's `is_alive()`).
   *
   * @example
   * ```ts
   * import { Process } from "@cc/processes";
   * console.assert(!new Process().isAlive()); // true from start() until the child has ended
   * ```
   */
  isAlive(): boolean {
    const state = this[STATE];
    if (state.child) return true;
    checkOpen(state, "isAlive()");
    return state.connection !== undefined && state.exitCode === null;
  }

  /**
   * What the child process runs: by default the `target` with its `args`. Override it in a subclass
   * (see the class doc). Called directly, it runs here, in this process (Python).
   *
   * @example
   * ```ts
   * import { Process } from "@cc/processes";
   * class Hello extends Process<string> {
   *   override run(): string {
   *     return "hello";
   *   }
   * }
   * console.assert(new Hello().run() === "hello"); // called directly: runs here, not in a child
   * ```
   */
  run(): R | Promise<R> {
    return runTarget(this[STATE]) as Promise<R>;
  }

  /**
   * Starts the child process (Python's `start()`). Throws `InvalidStateError` if already started, and
   * `CloneError` naming the path of an argument (or subclass field) that cannot reach a child process.
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Process } from "@cc/processes";
   *
   * export function greet(name: string): string {
   *   return `hello ${name} from ${process.pid}`;
   * }
   *
   * if (isMainModule(import.meta)) {
   *   const p = new Process({ target: task<typeof greet>(import.meta.url, "greet"), args: ["cc"] });
   *   p.start();
   *   console.assert(p.isAlive() && p.pid !== undefined);
   *   const greeting = await p.join();
   *   console.assert(greeting?.startsWith("hello cc from ") && p.exitCode === 0);
   * }
   * ```
   */
  start(): void {
    const state = hostState(this, "start()");
    if (state.connection) throw new InvalidStateError(`${state.name} was already started: a process starts once`);
    let runTask: Task;
    let runArgs: unknown[];
    if (this.run !== Process.prototype.run) {
      const ctor = this.constructor as typeof Process;
      if (ctor.module === undefined) {
        throw new TypeError(
          `${ctor.name} overrides run(), so its child process must load the class: add \`static module = import.meta.url\` to it and export it`,
        );
      }
      taskModuleUrl(ctor.module);
      taskExportName(ctor.exportName ?? ctor.name);
      const fields = ownFields(this);
      const bad = findUncloneable(fields, "this", TO_CHILD);
      if (bad) throw new CloneError(bad.path, bad.what, `${ctor.name}.run`);
      runTask = runProcessObjectTask;
      runArgs = [this];
    } else {
      const bad = findUncloneable(state.args, "args", TO_CHILD);
      if (bad) throw new CloneError(bad.path, bad.what, state.target?.name);
      runTask = state.target ?? nothingTask;
      runArgs = state.args;
      if (state.target && hasNestedPrimitive(state.args)) {
        // a Queue inside an object: cc's runtime revives top-level shareables only, this runner the rest
        runTask = runTargetRevivedTask;
        runArgs = [state.target.url, state.target.name, encodeNested(state.args)];
      }
    }
    const env = {
      ...state.env,
      [NAME_ENV]: state.name,
      [PARENT_NAME_ENV]: ownName,
      [PARENT_PID_ENV]: String(process.pid),
    };
    const connection = new WorkerConnection(spawnWorker({ kind: "process", env, execArgv: state.execArgv }));
    state.connection = connection;
    running.add(this);
    const outcome = connection.run(runTask, runArgs).then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    state.ended = outcome.then(async (o) => {
      const info = await connection.close();
      running.delete(this);
      if (o.ok) state.result = o.result;
      else {
        state.error = o.error;
        if (!(o.error instanceof WorkerExitError)) {
          const text = o.error instanceof Error ? (o.error.stack ?? String(o.error)) : String(o.error);
          process.stderr.write(`Process ${state.name}:\n${text}\n`);
        }
      }
      if (info.signal) state.exitCode = -signalNumber(info.signal);
      else if (!o.ok && info.code === 0) state.exitCode = 1;
      else state.exitCode = info.code ?? 1;
    });
  }

  /**
   * Waits until the process has ended and resolves to what the target (or `run()`) returned —
   * `undefined` if it failed (see `exitCode` and `error`) or if `timeout` ms passed first (Python's
   * `join`, which returns `None`). Rejects with `InvalidStateError` before `start()`.
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Process } from "@cc/processes";
   *
   * export function sleepForever(): Promise<never> {
   *   return new Promise(() => setInterval(() => {}, 1000));
   * }
   *
   * if (isMainModule(import.meta)) {
   *   const p = new Process({ target: task<typeof sleepForever>(import.meta.url, "sleepForever") });
   *   p.start();
   *   console.assert((await p.join({ timeout: 100 })) === undefined && p.isAlive()); // timed out, still running
   *   p.kill();
   *   await p.join();
   *   console.assert(p.exitCode === -9);
   * }
   * ```
   */
  async join(options: ProcessJoinOptions = {}): Promise<R | undefined> {
    const state = hostState(this, "join()");
    if (!state.ended) throw new InvalidStateError(`${state.name} was not started: can only join a started process`);
    const { timeout } = options;
    if (timeout === undefined) {
      await state.ended;
    } else {
      if (typeof timeout !== "number" || Number.isNaN(timeout)) {
        throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        state.ended,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.min(Math.max(0, timeout), 2 ** 31 - 1));
        }),
      ]);
      clearTimeout(timer);
    }
    return state.exitCode === null ? undefined : (state.result as R | undefined);
  }

  /**
   * Sends SIGTERM to the child (Python's `terminate()`); `exitCode` becomes `-15`. No-op once it ended.
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Process } from "@cc/processes";
   *
   * export function sleepForever(): Promise<never> {
   *   return new Promise(() => setInterval(() => {}, 1000));
   * }
   *
   * if (isMainModule(import.meta)) {
   *   const p = new Process({ target: task<typeof sleepForever>(import.meta.url, "sleepForever") });
   *   p.start();
   *   p.terminate();
   *   await p.join();
   *   console.assert(p.exitCode === -15 && !p.isAlive());
   * }
   * ```
   */
  terminate(): void {
    signal(this, "terminate()", "SIGTERM");
  }

  /**
   * Sends SIGKILL to the child (Python's `kill()`); `exitCode` becomes `-9`. No-op once it ended.
   *
   * @example
   * ```ts
   * import { isMainModule, task } from "@cc/core";
   * import { Process } from "@cc/processes";
   *
   * export function sleepForever(): Promise<never> {
   *   return new Promise(() => setInterval(() => {}, 1000));
   * }
   *
   * if (isMainModule(import.meta)) {
   *   const p = new Process({ target: task<typeof sleepForever>(import.meta.url, "sleepForever") });
   *   p.start();
   *   p.kill(); // SIGKILL: the child cannot catch it
   *   await p.join();
   *   console.assert(p.exitCode === -9);
   * }
   * ```
   */
  kill(): void {
    signal(this, "kill()", "SIGKILL");
  }

  /**
   * Releases what the object holds (Python's `close()`): afterwards `start`, `join`, `pid`,
   * `exitCode`, `isAlive`, `terminate` and `kill` throw `InvalidStateError`. Throws
   * `InvalidStateError` while the child runs; a process never started can be closed. Idempotent.
   *
   * @throws {InvalidStateError} If the child process has not ended (join it first).
   *
   * @example
   * ```ts
   * import { InvalidStateError } from "@cc/core";
   * import { Process } from "@cc/processes";
   * const p = new Process();
   * p.close();
   * let refused = false;
   * try { p.start(); } catch (e) { refused = e instanceof InvalidStateError; }
   * console.assert(refused);
   * ```
   */
  close(): void {
    const state = this[STATE];
    if (state.child) throw new InvalidStateError(`close() is only possible in the process that created ${state.name}`);
    if (state.closed) return;
    if (state.connection && state.exitCode === null) {
      throw new InvalidStateError(`Cannot close ${state.name}: its child process is still running (join it first)`);
    }
    state.closed = true;
    state.connection = undefined;
    state.result = undefined;
  }

  /**
   * For `console.log`: `<Process name="Process-1" pid=123 started>`, as Python's repr.
   *
   * @example
   * ```ts
   * import { Process } from "@cc/processes";
   * console.assert(String(new Process({ name: "worker" })).startsWith('<Process name="worker"'));
   * ```
   */
  toString(): string {
    const state = this[STATE];
    if (!state.child && state.closed) return `<${this.constructor.name} name="${state.name}" closed>`;
    const status = state.child
      ? "started"
      : state.exitCode !== null
        ? `stopped exitcode=${state.exitCode}`
        : state.connection
          ? "started"
          : "initial";
    const pid = this.pid === undefined ? "" : ` pid=${this.pid}`;
    return `<${this.constructor.name} name="${state.name}"${pid} ${status}>`;
  }
}
