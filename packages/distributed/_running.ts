// A job running on a cc-worker: its stop (cancel, timeout, shutdown) without an AbortController per job
// unless the task asks for its signal (in-process) or a pool needs one (threads, processes).
import { TimeoutError } from "@cc/core";

/** One running job's stop state. */
export class RunningJob {
  /** Set when the worker hands the job back to the queue at shutdown. */
  handBack = false;
  #aborted = false;
  #reason: unknown;
  #controller: AbortController | undefined;
  #reject: ((reason: unknown) => void) | undefined;

  /** True once stopped. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The task's signal (created on first use). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Stops the job: its signal aborts and {@linkcode RunningJob.race} rejects with `reason`. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.#reject?.(reason);
  }

  /** `work`, or the abort reason as soon as the job is stopped; after `timeout` ms it stops with a TimeoutError. */
  race<T>(work: Promise<T>, timeout: number | undefined): Promise<T> {
    if (this.#aborted) return Promise.reject(this.#reason);
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      if (timeout === undefined) {
        work.then(resolve, reject);
        return;
      }
      // the task sees its signal abort (cooperative: in-process, a task that ignores it runs on)
      const timer = setTimeout(
        () => this.abort(new TimeoutError(`the task did not finish within ${timeout} ms`)),
        timeout,
      );
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
