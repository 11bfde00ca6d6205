/**
 * The errors of the cross-process primitives ({@linkcode Queue}, {@linkcode Lock}, {@linkcode Pipe}…).
 * They keep their class when raised in a child process: the host's broker sends a code, and the child
 * rebuilds the error.
 *
 * @module
 */

/**
 * Raised by `get` when the queue stays empty (`getNowait()`, or a `timeout` that passed): Python's
 * `queue.Empty`.
 *
 * @example
 * ```ts
 * import { Queue, QueueEmpty } from "@cc/processes";
 * const q = new Queue<number>();
 * try { await q.getNowait(); } catch (e) { console.assert(e instanceof QueueEmpty); }
 * ```
 */
export class QueueEmpty extends Error {
  override name = "QueueEmpty";
  constructor(message = "The queue is empty", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Raised by `put` when the queue stays full (`putNowait()`, or a `timeout` that passed): Python's
 * `queue.Full`.
 *
 * @example
 * ```ts
 * import { Queue, QueueFull } from "@cc/processes";
 * const q = new Queue<number>({ maxsize: 1 });
 * await q.put(1);
 * try { await q.putNowait(2); } catch (e) { console.assert(e instanceof QueueFull); }
 * ```
 */
export class QueueFull extends Error {
  override name = "QueueFull";
  constructor(message = "The queue is full", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Raised once, by the next `acquire()` of a {@linkcode Lock} or {@linkcode RLock} whose holder ended
 * (crashed, was killed, exited) while it held the lock. The lock has been released: this `acquire()`
 * does not hold it, the next one can take it. What the lock guarded may have been left half-updated,
 * which is why cc says so instead of handing the lock over silently (Python leaves such a lock held
 * forever). See "Differences from Python" in the README.
 *
 * @example
 * ```ts
 * import { AbandonedLockError } from "@cc/processes";
 * const error = new AbandonedLockError("Lock-1 was held by process 1234, which ended");
 * console.assert(error.name === "AbandonedLockError");
 * ```
 */
export class AbandonedLockError extends Error {
  override name = "AbandonedLockError";
}

/**
 * Raised by {@linkcode PipeConnection.recv} when nothing is left to receive and the other end is
 * closed: Python's `EOFError`.
 *
 * @example
 * ```ts
 * import { EOFError, Pipe } from "@cc/processes";
 * const [a, b] = Pipe();
 * await b.close();
 * try { await a.recv(); } catch (e) { console.assert(e instanceof EOFError); }
 * ```
 */
export class EOFError extends Error {
  override name = "EOFError";
}

/**
 * Raised by {@linkcode PipeConnection.send} when the other end is closed: Python's `BrokenPipeError`.
 *
 * @example
 * ```ts
 * import { BrokenPipeError, Pipe } from "@cc/processes";
 * const [a, b] = Pipe();
 * await b.close();
 * try { await a.send(1); } catch (e) { console.assert(e instanceof BrokenPipeError); }
 * ```
 */
export class BrokenPipeError extends Error {
  override name = "BrokenPipeError";
}

/**
 * Raised by {@linkcode Barrier.wait} when the barrier is broken — by `abort()`, by a `reset()` while
 * it waited, by another waiter's timeout, or because a waiting process ended: Python's
 * `threading.BrokenBarrierError`.
 *
 * @example
 * ```ts
 * import { Barrier, BrokenBarrierError } from "@cc/processes";
 * const barrier = new Barrier(2);
 * await barrier.abort();
 * try { await barrier.wait(); } catch (e) { console.assert(e instanceof BrokenBarrierError); }
 * ```
 */
export class BrokenBarrierError extends Error {
  override name = "BrokenBarrierError";
}
