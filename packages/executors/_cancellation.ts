// Stopping one task: its signal (one listener per signal, in _signal_watch.ts), its timeout counted from
// dispatch, and what follows an abort: a queued task is cancelled; a running one fails at once with the
// reason while the worker is asked to stop it (`abort: "signal"`, cooperative), or the worker is
// terminated and replaced (`abort: "terminate"`). A running task that ignores its signal keeps its
// worker for `cancelGraceMs` at most, after which the worker is replaced too.
import { TimeoutError } from "@cc/core";
import { JOB_DISPATCHED, JOB_QUEUED, type Job } from "./_job.ts";
import type { PoolWorker } from "./_pool_worker.ts";
import { SignalWatch } from "./_signal_watch.ts";

// setTimeout fires at once for delays above 2^31-1 ms: cap them (a timer that long never fires in practice).
const MAX_DELAY = 2 ** 31 - 1;

/** The cancellation of a pool's tasks (see the file's comment). */
export class Cancellation {
  readonly #signals = new SignalWatch((job, reason) => this.abort(job, reason));
  readonly #graceMs: number;
  readonly #stopWorker: (worker: PoolWorker, pump: boolean) => void;

  /**
   * @param graceMs How long a task may go on after its abort before its worker is replaced.
   * @param stopWorker Stops a worker in order (the pool replaces it and is not broken); with `pump`,
   *   the pool then hands its queued tasks out again.
   */
  constructor(graceMs: number, stopWorker: (worker: PoolWorker, pump: boolean) => void) {
    this.#graceMs = graceMs;
    this.#stopWorker = stopWorker;
  }

  /** Aborts `job` when `signal` does. */
  watch(job: Job, signal: AbortSignal): void {
    this.#signals.watch(job, signal);
  }

  /** The job has just been sent: starts its timeout, if it has one. */
  dispatched(job: Job): void {
    const extra = job.extra!;
    const timeout = extra.options?.timeout;
    if (timeout === undefined) return;
    extra.timer = setTimeout(
      () => {
        const reason = new TimeoutError(`task "${job.task.name}" timed out after ${timeout} ms`);
        this.abort(job, reason);
      },
      Math.min(timeout, MAX_DELAY),
    );
  }

  /** Cancels a job from its signal or timeout. */
  abort(job: Job, reason: unknown): void {
    if (job.phase <= JOB_QUEUED) {
      job.cancel();
      return;
    }
    if (job.phase !== JOB_DISPATCHED) return;
    if (!job.done()) job.setException(reason);
    const worker = job.worker;
    const extra = job.extra!;
    if (extra.options?.abort === "terminate") {
      this.#stopWorker(worker, false);
      return;
    }
    worker.connection.cancel(extra.callId, reason);
    if (!extra.aborted) {
      // until it answers, the worker may be stuck in it: later tasks go to other workers (or wait)
      extra.aborted = true;
      worker.aborted++;
    }
    if (Number.isFinite(this.#graceMs) && extra.graceTimer === undefined) {
      // a task that ignores its signal does not keep its worker: past the grace, the worker is replaced
      extra.graceTimer = setTimeout(
        () => {
          extra.graceTimer = undefined;
          if (job.phase !== JOB_DISPATCHED || job.worker !== worker) return;
          this.#stopWorker(worker, true);
        },
        Math.min(this.#graceMs, MAX_DELAY),
      );
      extra.graceTimer.unref(); // the worker keeps Node alive while the task runs, and no longer
    }
  }

  /** The job is released (finished, failed or cancelled): its timers and its signal's listener go. */
  cleanup(job: Job): void {
    const extra = job.extra;
    if (extra === undefined) return;
    if (extra.timer) {
      clearTimeout(extra.timer);
      extra.timer = undefined;
    }
    if (extra.watched) this.#signals.unwatch(job, extra.options!.signal!);
    if (extra.graceTimer) {
      clearTimeout(extra.graceTimer);
      extra.graceTimer = undefined;
    }
    if (extra.aborted) {
      extra.aborted = false;
      job.worker.aborted--;
    }
  }
}
