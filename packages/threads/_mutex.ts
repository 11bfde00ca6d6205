// The mutex algorithm of Lock, RLock and Barrier, over one Int32 cell (Drepper, "Futexes Are Tricky",
// mutex 2): 0 = unlocked, 1 = locked, 2 = locked and someone may be sleeping. Releasing a lock in
// state 1 costs one atomic operation and no notify.
import { SPIN, type Steps, type WaitResult } from "./_wait.ts";

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

/** Takes the mutex if it is free. */
export function tryLock(cells: Int32Array, index: number): boolean {
  return Atomics.compareExchange(cells, index, UNLOCKED, LOCKED) === UNLOCKED;
}

/** True while somebody holds the mutex. */
export function isLocked(cells: Int32Array, index: number): boolean {
  return Atomics.load(cells, index) !== UNLOCKED;
}

/** Takes the mutex, sleeping until it is free or the deadline passes; returns whether it was taken. */
export function* lockSteps(cells: Int32Array, index: number, deadline: number): Steps<boolean> {
  for (let spin = 0; spin < SPIN; spin++) {
    const seen = Atomics.load(cells, index);
    if (seen === UNLOCKED && tryLock(cells, index)) return true;
    if (seen === CONTENDED) break;
  }
  // From here on we mark the mutex contended, so that its holder notifies on release.
  while (Atomics.exchange(cells, index, CONTENDED) !== UNLOCKED) {
    const result: WaitResult = yield { cells, index, value: CONTENDED, deadline };
    if (result === "timed-out") return Atomics.compareExchange(cells, index, UNLOCKED, CONTENDED) === UNLOCKED;
  }
  return true;
}

/**
 * Takes the mutex with no deadline, and keeps trying if an abort is thrown in meanwhile: cleanup code
 * (a condition re-acquiring its lock) must own the mutex before it goes on. The abort is rethrown once
 * the mutex is held.
 */
export function* lockUninterruptibly(cells: Int32Array, index: number): Steps<void> {
  let interrupted: { reason: unknown } | undefined;
  for (;;) {
    try {
      yield* lockSteps(cells, index, Number.POSITIVE_INFINITY);
      break;
    } catch (reason) {
      interrupted ??= { reason };
    }
  }
  if (interrupted !== undefined) throw interrupted.reason;
}

/** Releases the mutex and wakes one sleeper if there may be one; returns false if it was not locked. */
export function unlock(cells: Int32Array, index: number): boolean {
  for (;;) {
    const seen = Atomics.load(cells, index);
    if (seen === UNLOCKED) return false;
    if (seen === LOCKED) {
      if (Atomics.compareExchange(cells, index, LOCKED, UNLOCKED) === LOCKED) return true;
      continue;
    }
    Atomics.store(cells, index, UNLOCKED);
    Atomics.notify(cells, index, 1);
    return true;
  }
}
