// Private helper of wait.ts and as_completed.ts.

import { quote } from "./_options.ts";
import { Future } from "./future.ts";

/** Collects an iterable of futures into a set (duplicates removed, order kept), checking each element. */
export function toFutureSet<T>(futures: Iterable<Future<T>>, where: string): Set<Future<T>> {
  if (
    futures === null ||
    futures === undefined ||
    typeof (futures as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(`Cannot call ${where} as 'futures' must be an iterable of futures: received ${quote(futures)}`);
  }
  const set = new Set<Future<T>>();
  let index = 0;
  for (const future of futures) {
    if (!(future instanceof Future)) {
      throw new TypeError(`Cannot call ${where} as futures[${index}] is not a Future: received ${quote(future)}`);
    }
    set.add(future);
    index++;
  }
  return set;
}
