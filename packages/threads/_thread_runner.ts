// The task a worker runs for a `Thread` subclass that overrides `run()`. The subclass instance
// arrives as a shareable argument (the runtime imports its module — registering tsx for a `.ts`
// module — and calls the class's static `fromShared`), followed by the names and values of the
// instance's shareable fields (a `Lock` field), which cc's runtime rebuilds only as top-level arguments.

/** The method of a revived thread that runs `run()` and returns `[result, fields]`. */
export const RUN_IN_WORKER: unique symbol = Symbol.for("cc.threads.runInWorker") as never;

interface Revived {
  [RUN_IN_WORKER](): Promise<[unknown, Record<string, unknown>]>;
}

/** Assigns the shareable fields onto the revived thread, runs it and returns `[result, fields]`. */
export function runThread(
  thread: Revived,
  sharedKeys: string[],
  ...shared: unknown[]
): Promise<[unknown, Record<string, unknown>]> {
  if (typeof thread?.[RUN_IN_WORKER] !== "function") {
    throw new TypeError("runThread() needs a Thread subclass instance revived by fromShared()");
  }
  for (let i = 0; i < sharedKeys.length; i++) {
    (thread as unknown as Record<string, unknown>)[sharedKeys[i]!] = shared[i];
  }
  return thread[RUN_IN_WORKER]();
}

/** What a thread with neither a target nor a `run()` override runs: nothing (Python's default). */
export function noop(): undefined {
  return undefined;
}
