// A pool task's arguments with primitives inside them. cc's runtime revives a primitive given as an
// argument itself; one nested in an argument (`{ queue }`, `[lock]`) would clone to `{}`. Such a call
// goes instead through the runner that Process uses, with the primitives as markers it turns back
// into primitives in the child. Checked only once this process has seen a primitive.
import type { Task } from "@cc/core";
import { anyPrimitive } from "./_broker_client.ts";
import { encodeNested, hasNestedPrimitive } from "./_nested.ts";
import { runTargetRevivedTask } from "./_process_runner.ts";

/**
 * The runner's arguments for `task(...args)` when a primitive is nested in `args`; `undefined` (submit
 * `task` as it is) otherwise, which is all a call costs until this process has seen a primitive.
 */
export function nestedCall(task: Task, args: unknown[]): unknown[] | undefined {
  if (!anyPrimitive() || !hasNestedPrimitive(args)) return undefined;
  return [task.url, task.name, encodeNested(args)];
}

/** The task that runs a call given by {@linkcode nestedCall}'s arguments. */
export const NESTED_RUNNER: Task = runTargetRevivedTask as Task;
