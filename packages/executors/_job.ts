// The pool's record of one task: a `Job` is the task's future and the sink of its worker call. Many
// thousands may be pending at once, so it keeps few fields: its pool comes through its task's info, and
// what only some jobs need (options, timer, the call id for cancelling) sits in `extra`.
import type { CallOptions, CallSink, Task } from "@cc/core";
import { Future } from "@cc/futures";
import type { ChunkFailure } from "./_map.ts";
import type { SubmitOptions } from "./_options.ts";
import { START_WINDOW } from "./_policy.ts";
import type { PoolWorker } from "./_pool_worker.ts";

/** Waiting in the pool's queue (any phase up to this one is). */
export const JOB_QUEUED = 0;
/** Waiting in the pool's queue, a call of one argument: `args` holds the argument itself. */
export const JOB_QUEUED_ONE = -1;
/** Handed to a worker. */
export const JOB_DISPATCHED = 1;
/** Finished, cancelled or failed: the pool holds no slot for it any more. */
export const JOB_RELEASED = 2;

/** What a job calls back in its pool (methods of the pool kept out of the published types). */
export interface JobOwner {
  /** A queued job was cancelled. */
  _cancelledWhileQueued(job: Job): void;
  /** The worker is done with a job: frees its slot. Returns the error to report. */
  _release(job: Job, ok: boolean, error?: unknown): unknown;
}

/** What only some jobs carry: per-call options and their state. */
export interface JobExtra {
  options: SubmitOptions | undefined;
  callOptions: CallOptions | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** True while the pool listens to `options.signal` for this job. */
  watched: boolean;
  /** Set for stream slots: called with the worker instead of sending a call. */
  onDispatch: ((worker: PoolWorker) => void) | undefined;
  /** The worker call's id, to cancel it. */
  callId: number;
  /** After an abort: when it fires with the task still running, its worker is terminated. */
  graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Aborted while running, and counted in its worker's `aborted`. */
  aborted: boolean;
}

/** An empty {@linkcode JobExtra}. */
export function newExtra(): JobExtra {
  return {
    options: undefined,
    callOptions: undefined,
    timer: undefined,
    watched: false,
    onDispatch: undefined,
    callId: 0,
    graceTimer: undefined,
    aborted: false,
  };
}

/** What a pool knows of one task (function) it has run. */
export class TaskInfo {
  /** Most calls of this task in flight per worker while it ramps up (see _policy.ts). */
  ramp = START_WINDOW;
  constructor(
    readonly task: Task,
    readonly pool: JobOwner,
  ) {}
}

/** A queued or running task (see the file's comment). */
export class Job<T = unknown> extends Future<T> implements CallSink {
  readonly info: TaskInfo;
  /**
   * While queued, the call's arguments (in phase `JOB_QUEUED_ONE`, its one argument itself); once
   * dispatched, its worker. One field for both, and no array for one argument: what a queued task keeps
   * alive is what the collector pays for, and a burst of submits keeps every queued task alive.
   */
  #slot: unknown;
  phase: number;
  /** Options and their state, for the jobs that have any. */
  extra: JobExtra | undefined = undefined;

  /** A job of `args`, or with `one` of the one argument `args`. */
  constructor(info: TaskInfo, args: unknown, one = false) {
    super();
    this.info = info;
    this.#slot = args;
    this.phase = one ? JOB_QUEUED_ONE : JOB_QUEUED;
  }

  /** Hands the job to `worker` (phase `JOB_DISPATCHED`) and returns its arguments, which it no longer keeps. */
  dispatchTo(worker: PoolWorker): unknown[] {
    const slot = this.#slot;
    this.#slot = worker;
    const args = this.phase === JOB_QUEUED_ONE ? [slot] : (slot as unknown[]);
    this.phase = JOB_DISPATCHED;
    return args;
  }

  /** The worker, once dispatched (phase `JOB_DISPATCHED`, and `JOB_RELEASED` after it). */
  get worker(): PoolWorker {
    return this.#slot as PoolWorker;
  }

  get pool(): JobOwner {
    return this.info.pool;
  }

  /** The task being called (CallSink). */
  get task(): Task {
    return this.info.task;
  }

  override cancel(): boolean {
    const wasQueued = this.phase <= JOB_QUEUED && !this.done();
    const cancelled = super.cancel();
    if (cancelled && wasQueued) this.pool._cancelledWhileQueued(this);
    return cancelled;
  }

  /** The worker answered with a result (CallSink). */
  resolve(value: unknown): void {
    this.pool._release(this, true);
    if (!this.done()) this.setResult(value as T);
  }

  /** The worker answered with an error, or died (CallSink). */
  reject(error: unknown): void {
    error = this.pool._release(this, false, error);
    if (!this.done()) this.setException(error);
  }

  /** A progress report (CallSink). */
  progress(value: unknown): void {
    this.extra?.options?.onProgress?.(value);
  }
}

// Like `Future`, a job presents `Promise` as its constructor, so `await` and `Promise.all` take it as is.
Object.defineProperty(Job.prototype, "constructor", { value: Promise, writable: true, configurable: true });

/**
 * The property under which a worker sends, with the error of a map chunk that failed at one of its
 * items, the results of the items before it (`@cc/core`'s runtime sets it; the pool takes it off).
 */
const CHUNK_RESULTS = "ccChunkResults";

/** A map chunk: its error keeps the results of the items before the failing one in `partial`. */
export class ChunkJob<T = unknown> extends Job<T> implements ChunkFailure {
  partial: unknown[] | undefined = undefined;

  override reject(error: unknown): void {
    if (typeof error === "object" && error !== null && Object.hasOwn(error, CHUNK_RESULTS)) {
      const partial = (error as Record<string, unknown>)[CHUNK_RESULTS];
      delete (error as Record<string, unknown>)[CHUNK_RESULTS];
      if (Array.isArray(partial)) this.partial = partial;
    }
    super.reject(error);
  }
}
