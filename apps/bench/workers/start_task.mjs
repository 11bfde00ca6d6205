// The task module of the worker-start benchmark (ts_start.mjs), in JavaScript.
export function ping(n) {
  return n + 1;
}
