/**
 * A small concurrency limiter (a counting semaphore around a function call), standing in for
 * `@cc/async`'s `limit` until that package is ready. Private to the app.
 *
 * @module
 */

/** Runs functions with at most `concurrency` of them pending at once. */
export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * Returns a limiter: `run(fn)` calls `fn` as soon as fewer than `concurrency` earlier calls are
 * pending, in call order, and settles like the promise `fn` returns.
 *
 * @throws {RangeError} If `concurrency` is not a positive integer.
 */
export function limit(concurrency: number): Limiter {
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`The concurrency must be a positive integer: received ${concurrency}`);
  }
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < concurrency) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      release();
    }
  };
}
