// The signals of submitted tasks: one listener per signal, however many jobs share it (a caller that
// passes one signal to a thousand submits adds one listener, not a thousand).
import type { Job } from "./_job.ts";

/** Aborts jobs when their signal does (see the file's comment). */
export class SignalWatch {
  readonly #watched = new Map<AbortSignal, Set<Job>>();
  readonly #onAbort: (job: Job, reason: unknown) => void;

  /** @param onAbort Called for each watched job of a signal that aborts. */
  constructor(onAbort: (job: Job, reason: unknown) => void) {
    this.#onAbort = onAbort;
  }

  /** Aborts `job` when `signal` does. */
  watch(job: Job, signal: AbortSignal): void {
    let jobs = this.#watched.get(signal);
    if (jobs === undefined) {
      jobs = new Set();
      this.#watched.set(signal, jobs);
      signal.addEventListener("abort", this.#onSignalAbort, { once: true });
    }
    jobs.add(job);
    job.extra!.watched = true;
  }

  /** Stops watching `job` (its listener goes with the signal's last job). */
  unwatch(job: Job, signal: AbortSignal): void {
    job.extra!.watched = false;
    const jobs = this.#watched.get(signal);
    if (jobs === undefined || !jobs.delete(job) || jobs.size > 0) return;
    this.#watched.delete(signal);
    signal.removeEventListener("abort", this.#onSignalAbort);
  }

  readonly #onSignalAbort = (event: Event): void => {
    const signal = event.target as AbortSignal;
    const jobs = this.#watched.get(signal);
    this.#watched.delete(signal);
    if (jobs) for (const job of jobs) this.#onAbort(job, signal.reason);
  };
}
