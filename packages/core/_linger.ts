// Lingering claims: a thread worker that has gone idle polls for its next message for a moment before
// it sleeps (see `RuntimePort.lingerMs`). At most one worker fewer than the machine has cores may do so
// at a time, across every pool of the process, so lingering workers never take every core from the
// thread that feeds them. A claim is a cell of one shared Int32Array holding the thread id of its owner.
import { availableParallelism } from "node:os";

/**
 * Where the claims live: a global symbol, so every copy of `@cc/core` in this thread agrees, and a
 * worker thread adopts its host's array (`adoptLingerClaims`), so pools made inside workers share it.
 */
const CLAIMS = Symbol.for("cc.lingerClaims");

/**
 * The process-wide claims (made on first use): one cell per worker that may linger at once (none on one
 * core).
 */
export function lingerClaims(): Int32Array {
  const global = globalThis as Record<symbol, Int32Array | undefined>;
  global[CLAIMS] ??= new Int32Array(new SharedArrayBuffer(4 * Math.max(0, availableParallelism() - 1)));
  return global[CLAIMS];
}

/** In a worker thread: share the host's claims with the pools this thread makes. */
export function adoptLingerClaims(cells: Int32Array): void {
  (globalThis as Record<symbol, Int32Array | undefined>)[CLAIMS] ??= cells;
}

/** Claims a free cell for thread `id`; returns its index, or -1 when enough threads linger already. */
export function claimLinger(cells: Int32Array, id: number): number {
  for (let i = 0; i < cells.length; i++) {
    if (Atomics.compareExchange(cells, i, 0, id) === 0) return i;
  }
  return -1;
}

/**
 * Gives back what thread `id` holds: the cell at `index`, or with `index` -1 any cell (the host does
 * this when a thread exits, since a thread stopped while it lingered never gave its claim back).
 */
export function releaseLinger(cells: Int32Array, id: number, index = -1): void {
  if (index >= 0) {
    Atomics.compareExchange(cells, index, id, 0);
    return;
  }
  for (let i = 0; i < cells.length; i++) Atomics.compareExchange(cells, i, id, 0);
}
