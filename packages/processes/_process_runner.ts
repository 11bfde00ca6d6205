// The task a child process runs for a Process: call the target, or the run() of a Process subclass
// whose object the child's runtime rebuilt from its module (see Process.fromShared).
import { task } from "@cc/core";
import { decodeNested } from "./_nested.ts";

/** Runs the `run()` of an object rebuilt in this child process. */
export function runProcessObject(object: { run(): unknown }): unknown {
  return object.run();
}

/** A target that does nothing (a Process with neither a target nor its own run()). */
export function nothing(): void {}

// This module by name, not `import.meta.url`: in the built dist/ its code may sit in a shared chunk.
const SELF = new URL(`./_process_runner${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/** The task of {@linkcode runProcessObject}. */
export const runProcessObjectTask = task<typeof runProcessObject>(SELF, "runProcessObject");

/** The task of {@linkcode nothing}. */
export const nothingTask = task<typeof nothing>(SELF, "nothing");

/**
 * Runs a target whose arguments hold primitives inside them (a `Queue` in an object): they arrive as
 * markers, which become primitives again before the target is called.
 */
export async function runTargetRevived(url: string, name: string, args: unknown[]): Promise<unknown> {
  const ns = (await import(url)) as Record<string, unknown>;
  const fn = Object.hasOwn(ns, name) ? ns[name] : undefined;
  if (typeof fn !== "function") throw new TypeError(`${url} has no exported function "${name}"`);
  return await (fn as (...a: unknown[]) => unknown)(...decodeNested(args));
}

/** The task of {@linkcode runTargetRevived}. */
export const runTargetRevivedTask = task<typeof runTargetRevived>(SELF, "runTargetRevived");
