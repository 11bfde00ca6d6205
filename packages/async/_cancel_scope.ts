/**
 * Private: the ambient cancellation signal ("cancel scope") that lets `runInExecutor`/`toThread` hand
 * the awaiting task's cancellation to the worker without the caller passing a signal. An `AsyncTask` runs
 * its function in a scope of its own signal; `timeout`, `timeoutAt`, `waitFor` and `TaskGroup.run`'s body
 * in a scope of their signal joined with the enclosing scope (a deadline inside a task also ends with it).
 *
 * Tracking uses an `AsyncLocalStorage`, which on Node 20 and 22 slows every promise of the process (about
 * a third, measured), so it is switched on only once it can matter: when a default thread executor is
 * registered (`import "@cc/executors"`) or `runInExecutor`/`toThread` was called.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

const DEFAULT_THREAD_EXECUTOR_KEY = Symbol.for("cc.defaultThreadExecutor");

let storage: AsyncLocalStorage<AbortSignal> | undefined;

/** Switches tracking on (idempotent). */
export function enableCancelScopes(): void {
  storage ??= new AsyncLocalStorage<AbortSignal>();
}

function tracking(): AsyncLocalStorage<AbortSignal> | undefined {
  if (storage === undefined && (globalThis as Record<symbol, unknown>)[DEFAULT_THREAD_EXECUTOR_KEY] !== undefined) {
    enableCancelScopes();
  }
  return storage;
}

/** Runs `fn` with `signal` as the ambient cancellation (an `AsyncTask`'s own scope). */
export function runInScope<T>(signal: AbortSignal, fn: () => T): T {
  const s = tracking();
  return s === undefined ? fn() : s.run(signal, fn);
}

/** Runs `fn` with `signal` joined with the enclosing scope's signal (a deadline inside a task). */
export function runInNestedScope<T>(signal: AbortSignal, fn: () => T): T {
  const s = tracking();
  if (s === undefined) return fn();
  const outer = s.getStore();
  return s.run(outer === undefined || outer === signal ? signal : AbortSignal.any([outer, signal]), fn);
}

/** The ambient cancellation signal, if tracking is on and a scope encloses the caller. */
export function currentScopeSignal(): AbortSignal | undefined {
  return storage?.getStore();
}
