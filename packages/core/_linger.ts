// Lingering claims: a thread worker given a lone call stays awake for a moment after it before it sleeps
// (see `RuntimePort.lingerMs`). At most one worker fewer than the machine has cores may do so at a
// time, across every pool of the process and of its worker threads, so lingering workers never take
// every core from the thread that feeds them.
//
// A claim is one cell of a shared BigInt64Array: 0 when free, else the owner's thread id (low 21 bits)
// and the time it expires (`Date.now()` ms, the bits above). A thread that stops while it lingers never
// gives its claim back; its host takes it back when the thread exits, and when the host itself is a
// worker that died too, the claim expires: a claim past its time may be taken over.
import { availableParallelism } from "node:os";

const ID_BITS = 21n;
const ID_MASK = (1n << ID_BITS) - 1n;
/** How long past its own `lingerMs` a claim stays valid (a spinning thread may be descheduled). */
const GRACE_MS = 1000;

/**
 * Where the claims live: a global symbol, so every copy of `@cc/core` in this thread agrees, and a
 * worker thread adopts its host's array (`adoptLingerClaims`), so pools made inside workers share it.
 */
const CLAIMS = Symbol.for("cc.lingerClaims");

/**
 * The process-wide claims (made on first use): one cell per worker that may linger at once (none on one
 * core).
 */
export function lingerClaims(): BigInt64Array {
  const global = globalThis as Record<symbol, BigInt64Array | undefined>;
  global[CLAIMS] ??= new BigInt64Array(new SharedArrayBuffer(8 * Math.max(0, availableParallelism() - 1)));
  return global[CLAIMS];
}

/** In a worker thread: share the host's claims with the pools this thread makes. */
export function adoptLingerClaims(cells: BigInt64Array): void {
  (globalThis as Record<symbol, BigInt64Array | undefined>)[CLAIMS] ??= cells;
}

/**
 * Claims a cell for thread `id`, for at most `ms` (plus a grace period); returns its index, or -1 when
 * enough threads linger already.
 */
export function claimLinger(cells: BigInt64Array, id: number, ms: number): number {
  const now = BigInt(Date.now());
  const mine = ((now + BigInt(Math.ceil(ms) + GRACE_MS)) << ID_BITS) | (BigInt(id) & ID_MASK);
  for (let i = 0; i < cells.length; i++) {
    const held = Atomics.load(cells, i);
    if (held !== 0n && held >> ID_BITS > now) continue; // taken, and not expired
    if (Atomics.compareExchange(cells, i, held, mine) === held) return i;
  }
  return -1;
}

/**
 * Gives back what thread `id` holds: the cell at `index`, or with `index` -1 any cell (the host does
 * this when a thread exits, since a thread stopped while it lingered never gave its claim back).
 */
export function releaseLinger(cells: BigInt64Array, id: number, index = -1): void {
  const owner = BigInt(id) & ID_MASK;
  const [from, to] = index >= 0 ? [index, index + 1] : [0, cells.length];
  for (let i = from; i < to; i++) {
    const held = Atomics.load(cells, i);
    if (held !== 0n && (held & ID_MASK) === owner) Atomics.compareExchange(cells, i, held, 0n);
  }
}

/** The thread ids holding a claim (expired ones included), for tests and diagnostics. */
export function lingerOwners(cells: BigInt64Array): number[] {
  const owners: number[] = [];
  for (let i = 0; i < cells.length; i++) {
    const held = Atomics.load(cells, i);
    if (held !== 0n) owners.push(Number(held & ID_MASK));
  }
  return owners;
}
