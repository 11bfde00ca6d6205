// A pool's statistics: their types (re-exported by pool_executor.ts) and their computation from the
// pool's counters and workers.
import type { PoolWorker } from "./_pool_worker.ts";

/** Statistics of one worker. */
export interface WorkerStats {
  /** Thread id or process id. */
  readonly id: number;
  /** Tasks in flight on this worker. */
  readonly inFlight: number;
  /** Tasks that finished with a result. */
  readonly completed: number;
  /** Tasks that failed. */
  readonly failed: number;
}

/** Statistics of a pool. */
export interface PoolStats {
  /** Live workers. */
  readonly workers: number;
  /** Tasks waiting for a worker. */
  readonly queued: number;
  /** Tasks dispatched and not finished. */
  readonly running: number;
  /** Tasks finished with a result. */
  readonly completed: number;
  /** Tasks that failed. */
  readonly failed: number;
  /** Tasks cancelled before they started. */
  readonly cancelled: number;
  /** Share of worker time spent with tasks in flight since the pool started (0–1). */
  readonly utilization: number;
  /** One entry per live worker. */
  readonly perWorker: readonly WorkerStats[];
}

/** The pool's running counts that {@linkcode poolStats} reports. */
export interface PoolCounts {
  readonly queued: number;
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Busy and live milliseconds of the workers that have left the pool. */
  readonly retiredBusy: number;
  readonly retiredLife: number;
}

/** The statistics of a pool with these counts and live workers. */
export function poolStats(counts: PoolCounts, workers: readonly PoolWorker[]): PoolStats {
  const now = performance.now();
  let busy = counts.retiredBusy;
  let life = counts.retiredLife;
  for (const w of workers) {
    busy += w.busyAt(now);
    life += now - w.startedAt;
  }
  return {
    workers: workers.length,
    queued: counts.queued,
    running: counts.running,
    completed: counts.completed,
    failed: counts.failed,
    cancelled: counts.cancelled,
    utilization: life > 0 ? Math.min(1, busy / life) : 0,
    perWorker: workers.map((w) => ({
      id: w.connection.transport.id,
      inFlight: w.inFlight,
      completed: w.completed,
      failed: w.failed,
    })),
  };
}
