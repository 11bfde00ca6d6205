// A task module with no imports, copied by the tests into a folder of its own where a cc-worker runs it:
// the client names these tasks from the repository's copy, the worker runs its own.
export function add(a, b) {
  return a + b;
}

/** Where the module that runs is. */
export function origin() {
  return import.meta.url;
}
