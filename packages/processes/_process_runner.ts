// The task a child process runs for a Process: call the target, or the run() of a Process subclass
// whose object the child's runtime rebuilt from its module (see Process.fromShared).
import { task } from "@cc/core";

/** Runs the `run()` of an object rebuilt in this child process. */
export function runProcessObject(object: { run(): unknown }): unknown {
  return object.run();
}

/** A target that does nothing (a Process with neither a target nor its own run()). */
export function nothing(): void {}

/** The task of {@linkcode runProcessObject}. */
export const runProcessObjectTask = task<typeof runProcessObject>(import.meta.url, "runProcessObject");

/** The task of {@linkcode nothing}. */
export const nothingTask = task<typeof nothing>(import.meta.url, "nothing");
