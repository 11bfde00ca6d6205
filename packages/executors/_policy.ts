// The pool's scheduling policy, apart from its mechanism (pool_executor.ts): how many tasks each worker
// is handed ahead of time (its window), how fast a task (function) ramps up, which worker takes the next
// task, how many workers to start, and when a worker's batch leaves before the end of the pump.
//
// Tasks are handed to a worker ahead of time, to hide the round trip and to send many tasks per
// message. A new worker takes one task at a time and doubles its window with each task that comes back
// until it knows how long its tasks take. From then on its window holds about AHEAD_MS of work (at
// least MIN_WINDOW, at most MAX_WINDOW tasks): tiny tasks travel hundreds to a message, while long tasks
// stay in the pool's queue, where `cancel()` still reaches them and any free worker can take them.
// Each task (function) also ramps up on its own, from one in flight per worker, doubling with each
// completion: a slow task submitted after many tiny ones is not handed out by the tiny ones' window.
// A task with a timeout waits in the pool's queue until a worker has fewer than MIN_WINDOW in flight,
// so its time counts from (nearly) when it can start.
import type { PoolWorker } from "./_pool_worker.ts";

/** A new worker's window, and a new task's ramp: one call in flight. */
export const START_WINDOW = 1;
/** The smallest window once the service time is known; the most in flight for a task with a timeout. */
export const MIN_WINDOW = 2;
/** The largest window and ramp. */
export const MAX_WINDOW = 1024;
/** Milliseconds of work a worker holds ahead. */
export const AHEAD_MS = 2;
/**
 * The service time is measured over epochs of at least EPOCH_MS of busy time (replies arrive in
 * batches, so counting tasks alone would measure the gaps inside one batch).
 */
export const EPOCH_MS = 1;

/**
 * A task has finished on `worker` (before `inFlight` counts it off): updates its service time and its
 * window. Returns the time it read from the clock, or -1 if it did not read it.
 */
export function taskFinished(worker: PoolWorker): number {
  let now = -1;
  // the clock is read with few tasks in flight, and on every 16th completion of a full window
  if (++worker.epochDone % 16 === 0 || worker.inFlight <= 4) {
    now = performance.now();
    const busy = worker.busyTotal + (now - worker.busySince);
    if (busy - worker.epochBusy >= EPOCH_MS) {
      worker.serviceMs = (busy - worker.epochBusy) / worker.epochDone;
      worker.epochBusy = busy;
      worker.epochDone = 0;
    }
  }
  if (worker.serviceMs === 0) {
    if (worker.window < MAX_WINDOW) worker.window *= 2;
  } else {
    const target = Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, Math.floor(AHEAD_MS / worker.serviceMs)));
    worker.window = target > worker.window ? Math.min(target, worker.window * 2) : target;
  }
  return now;
}

/** A task's ramp after one of its calls has finished: doubles up to MAX_WINDOW. */
export function rampAfterFinish(ramp: number): number {
  return ramp < MAX_WINDOW ? ramp * 2 : ramp;
}

/** Most calls of a task in flight per worker: its ramp, and at most MIN_WINDOW with a timeout. */
export function callLimit(ramp: number, hasTimeout: boolean): number {
  return hasTimeout && ramp > MIN_WINDOW ? MIN_WINDOW : ramp;
}

/**
 * Workers to start now, as Python does: one more whenever work waits and no worker is idle, up to
 * `maxWorkers`.
 */
export function workersToStart(workers: readonly PoolWorker[], maxWorkers: number, queued: number): number {
  let idle = 0;
  for (const w of workers) if (w.inFlight === 0 && !w.retiring) idle++;
  return Math.min(maxWorkers - workers.length, queued - idle);
}

/**
 * The least loaded worker with room for one more call under `limit` (see {@linkcode callLimit}), or
 * `undefined`. An `exclusive` call (`abort: "terminate"`) takes only an idle worker; a worker that runs
 * an exclusive call, or an aborted call that has not answered yet, takes none.
 */
export function pickWorker(workers: readonly PoolWorker[], limit: number, exclusive: boolean): PoolWorker | undefined {
  let best: PoolWorker | undefined;
  for (const w of workers) {
    if (w.retiring || w.exclusive || w.inFlight >= w.window || w.inFlight >= limit || w.aborted > 0) continue;
    if (exclusive && w.inFlight > 0) continue;
    if (best === undefined || w.inFlight < best.inFlight) best = w;
  }
  return best;
}

/**
 * Whether the calls handed to `worker` since its last message leave now rather than at the end of the
 * pump: at most half a window per message, so the worker has the next message before it runs out of
 * work, and is busy, not asleep, when the host sends more (waking a thread costs more than sending).
 */
export function flushEarly(worker: PoolWorker): boolean {
  return worker.unsent >= worker.window >> 1 && worker.window >= 8;
}

/** Whether a pump's messages ask a worker to linger: a lone task, nothing else running or queued. */
export function lingerAfter(running: number, queued: number): boolean {
  return running === 1 && queued === 0;
}
