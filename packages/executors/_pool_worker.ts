// One worker of a pool: its connection and what the pool counts of it (calls in flight, its window
// and service time, busy time, its retirement). The policy that reads and sets the window is in
// _policy.ts; the pool (pool_executor.ts) moves the counters.
import type { WorkerConnection } from "@cc/core";
import { START_WINDOW } from "./_policy.ts";

/** A worker of a pool (see the file's comment). */
export class PoolWorker {
  readonly connection: WorkerConnection;
  /** Calls handed to this worker and not finished. */
  inFlight = 0;
  /** Calls handed to this worker in its life (for `maxTasksPerWorker`). */
  dispatched = 0;
  completed = 0;
  failed = 0;
  /** Most calls in flight (see _policy.ts). */
  window = START_WINDOW;
  /** Busy milliseconds per finished task, measured over the last epoch (0: not measured yet). */
  serviceMs = 0;
  epochBusy = 0;
  epochDone = 0;
  busySince = 0;
  busyTotal = 0;
  /** Calls handed to the connection since its last message. */
  unsent = 0;
  readonly startedAt = performance.now();
  /** Runs a call with `abort: "terminate"`: takes no other. */
  exclusive = false;
  /** Takes no more calls: it is being retired, replaced or stopped. */
  retiring = false;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the pool stopped this worker hard at shutdown's deadline: what its tasks fail with. */
  stopReason: unknown = undefined;
  /** Tasks aborted by their signal or timeout that have not answered yet: no new task goes to this worker. */
  aborted = 0;

  constructor(connection: WorkerConnection) {
    this.connection = connection;
  }

  /** Busy milliseconds so far, at `now`. */
  busyAt(now: number): number {
    return this.busyTotal + (this.inFlight > 0 ? now - this.busySince : 0);
  }
}
