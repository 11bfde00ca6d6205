// Helpers for the SharedArrayBuffer cells behind each primitive and for rebuilding a primitive from
// the state its `[SHAREABLE]()` handle carries.
import type { Steps } from "./_wait.ts";
import { describe } from "./_wait.ts";

/** A fresh zeroed Int32Array of `length` cells over a SharedArrayBuffer. */
export function sharedCells(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}

/** The `cells` of a shared state, checked to be an Int32Array of `length` cells over shared memory. */
export function cellsOf(state: unknown, length: number, name: string): Int32Array {
  const cells = typeof state === "object" && state !== null ? (state as { cells?: unknown }).cells : undefined;
  if (!(cells instanceof Int32Array) || !(cells.buffer instanceof SharedArrayBuffer) || cells.length !== length) {
    throw new TypeError(
      `Cannot rebuild ${name} from shared state as it must be { cells: Int32Array(${length}) over a SharedArrayBuffer }: received ${describe(state)}`,
    );
  }
  return cells;
}

/**
 * Constructors take no "adopt these cells" parameter (their signatures are Python's), so `fromShared`
 * passes the cells through this slot while it calls `new`.
 */
let adopted: Int32Array | undefined;

/** Calls `create()` with `cells` waiting in the adoption slot. */
export function adopt<T>(cells: Int32Array, create: () => T): T {
  adopted = cells;
  try {
    return create();
  } finally {
    adopted = undefined;
  }
}

/** Takes the cells `adopt` left for the constructor being run, if any. */
export function takeAdopted(): Int32Array | undefined {
  const cells = adopted;
  adopted = undefined;
  return cells;
}

/** What a Condition needs from its lock, reached through {@linkcode LOCK_INTERNALS}. */
export interface LockInternals {
  /** True if the calling thread may wait on a condition built on this lock. */
  isOwned(): boolean;
  /** Releases the lock completely, returning what `acquireRestore` needs to take it back. */
  releaseSave(): number;
  /** Takes the lock back (no deadline, not interruptible) as `releaseSave` left it. */
  acquireRestore(saved: number): Steps<void>;
}

/** Key of the internal interface of Lock and RLock; not exported from mod.ts. */
export const LOCK_INTERNALS: unique symbol = Symbol("cc.threads.lockInternals");

/** A disposable that runs `release` on its first disposal. */
export function releaser(release: () => void): Disposable {
  let done = false;
  return {
    [Symbol.dispose]() {
      if (done) return;
      done = true;
      release();
    },
  };
}
