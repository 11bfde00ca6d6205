// Rebuilds a primitive from the { name, state } a test passes in workerData, as cc's worker runtime
// does with a shareable task argument.
import { Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore } from "@cc/threads";

const classes = { Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore };

export function rebuild(handle) {
  return classes[handle.name].fromShared(handle.state);
}
