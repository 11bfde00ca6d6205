// What the worker runtime is importing right now, shared by every copy of @cc/core in a thread (the
// runtime may be one copy and the @cc/core a task module imports another), so that the bootstrapping
// guard (bootstrap.ts) can tell a module's top-level code from a task's code.

const STATE = Symbol.for("cc.bootstrapImports");

/** URLs of the task modules this thread's worker runtime is importing now, with a count each. */
export function importsInProgress(): Map<string, number> {
  const global = globalThis as Record<symbol, Map<string, number> | undefined>;
  let imports = global[STATE];
  if (!imports) {
    imports = new Map();
    global[STATE] = imports;
  }
  return imports;
}

/** Marks `url` as being imported by the worker runtime until `promise` settles; returns `promise`. */
export function trackImport<T>(url: string, promise: Promise<T>): Promise<T> {
  const imports = importsInProgress();
  imports.set(url, (imports.get(url) ?? 0) + 1);
  const done = (): void => {
    const left = (imports.get(url) ?? 1) - 1;
    if (left > 0) imports.set(url, left);
    else imports.delete(url);
  };
  promise.then(done, done);
  return promise;
}

const REVIVING = Symbol.for("cc.bootstrapReviving");

/** True while the runtime rebuilds an argument object (`fromShared`), which is not a module's top level. */
export function reviving(): boolean {
  return ((globalThis as Record<symbol, number | undefined>)[REVIVING] ?? 0) > 0;
}

/** Runs `fn` (the runtime rebuilding an argument with `fromShared`) as code that is not bootstrapping. */
export function whileReviving<T>(fn: () => T): T {
  const global = globalThis as Record<symbol, number | undefined>;
  global[REVIVING] = (global[REVIVING] ?? 0) + 1;
  try {
    return fn();
  } finally {
    global[REVIVING] = (global[REVIVING] ?? 1) - 1;
  }
}
