// Futures in each state, as CPython's test_concurrent_futures/util.py makes them (fresh ones per call).
import { Future } from "../future.ts";

export function pendingFuture(): Future<number> {
  return new Future<number>();
}

export function runningFuture(): Future<number> {
  const future = new Future<number>();
  future.setRunningOrNotifyCancel();
  return future;
}

export function cancelledFuture(): Future<number> {
  const future = new Future<number>();
  future.cancel();
  return future;
}

export function exceptionFuture(error: unknown = new RangeError("failed")): Future<number> {
  const future = new Future<number>();
  future.setException(error);
  return future;
}

export function successfulFuture(value = 42): Future<number> {
  const future = new Future<number>();
  future.setResult(value);
  return future;
}
