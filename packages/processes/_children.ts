// What the process module and `activeChildren()`/`parentProcess()` share: the started processes that
// have not ended, and this process's name and parent as its starter told it (environment variables).
import { decodeNested, encodeNested } from "./_nested.ts";
import "./barrier.ts";
import "./condition.ts";
import "./dict_proxy.ts";
import "./event.ts";
import "./list_proxy.ts";
import "./lock.ts";
import "./pipe.ts";
import "./queue.ts";
import "./semaphore.ts";
import "./shared_value.ts";

/** The `Process` objects started here whose child has not ended (the set holds `Process`es). */
export const running = new Set<object>();

/** The environment variables a `Process` gives its child. */
export const NAME_ENV = "CC_PROCESS_NAME";
export const PARENT_NAME_ENV = "CC_PARENT_NAME";
export const PARENT_PID_ENV = "CC_PARENT_PID";

const startedByProcess = process.env[PARENT_PID_ENV] === String(process.ppid) && process.send !== undefined;

/** This process's name: the `Process` name its parent gave it, else Python's `"MainProcess"`. */
export const ownName: string = (startedByProcess && process.env[NAME_ENV]) || "MainProcess";

/** This process's parent as its starter told it, or `undefined` when it has no IPC parent. */
export const parent: { readonly name: string; readonly pid: number } | undefined =
  process.send === undefined
    ? undefined
    : { name: (startedByProcess && process.env[PARENT_NAME_ENV]) || "MainProcess", pid: process.ppid };

/** A field of a `Process` subclass as it travels: a primitive in it becomes its handle. */
export function shareField(value: unknown): unknown {
  return encodeNested(value);
}

/** A field of a `Process` subclass as it arrives: a handle becomes its primitive again. */
export function reviveField(value: unknown): unknown {
  return decodeNested(value);
}
