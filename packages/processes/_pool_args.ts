// A pool task's arguments with primitives inside them. cc's runtime revives a primitive given as an
// argument itself; one nested in an argument (`{ queue }`, `[lock]`) would clone to `{}`. Such a call
// goes instead through the runner that Process uses, with the primitives as markers it turns back
// into primitives in the child. Checked only once this process has seen a primitive.
import type { Task } from "@cc/core";
import { anyPrimitive } from "./_broker_client.ts";
import { encodeNested, hasNestedPrimitive } from "./_nested.ts";
import { runTargetRevivedTask } from "./_process_runner.ts";

/** The task and arguments to submit for `task(...args)`: the same, or the runner's when a primitive is nested. */
export function poolCall(task: Task, args: unknown[]): [Task, unknown[]] {
  if (!anyPrimitive() || !hasNestedPrimitive(args)) return [task, args];
  return [runTargetRevivedTask as Task, [task.url, task.name, encodeNested(args)]];
}
