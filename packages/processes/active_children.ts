/**
 * {@linkcode activeChildren} and {@linkcode parentProcess}: Python's `multiprocessing.active_children()`
 * and `multiprocessing.parent_process()`.
 *
 * @module
 */
import { ownName, parent, running } from "./_children.ts";
import type { Process } from "./process.ts";

/**
 * The `Process` objects started by this process whose child has not ended yet (Python's
 * `active_children()`), in the order they were started. The children of a `Pool` or a
 * `ProcessPoolExecutor` are the pool's own business and are not listed (Python lists a `Pool`'s).
 *
 * @returns The live children.
 *
 * @example
 * ```ts
 * import { activeChildren } from "@cc/processes";
 * console.assert(activeChildren().length === 0); // nothing started here
 * ```
 */
export function activeChildren(): Process[] {
  return [...running] as Process[];
}

/** Options of {@linkcode ParentProcess.join}. */
export interface ParentJoinOptions {
  /**
   * Milliseconds to wait at most.
   *
   * @default {Infinity}
   */
  timeout?: number;
}

/** The parent of this process, as {@linkcode parentProcess} describes it. */
export interface ParentProcess {
  /** The parent's name: `"MainProcess"`, or its `Process` name when it is itself a child. */
  readonly name: string;
  /** The parent's process id. */
  readonly pid: number;
  /** Whether the parent still runs. */
  isAlive(): boolean;
  /** Waits until the parent has ended (or `timeout` ms passed); resolves to whether it has. */
  join(options?: ParentJoinOptions): Promise<boolean>;
}

function alive(pid: number): boolean {
  if (process.ppid !== pid) return false; // this process was adopted: its parent ended
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/**
 * The process that started this one (Python's `parent_process()`): in a child started by a
 * `Process`, a `Pool` or a `ProcessPoolExecutor`, its parent; in the main process, `null`.
 *
 * @returns The parent, or `null`.
 *
 * @example
 * ```ts
 * import { parentProcess } from "@cc/processes";
 * console.assert(parentProcess() === null); // a program started from a shell has no cc parent
 * ```
 */
export function parentProcess(): ParentProcess | null {
  if (!parent) return null;
  const { name, pid } = parent;
  return {
    name,
    pid,
    isAlive: () => alive(pid),
    join: async (options = {}) => {
      const deadline = Date.now() + (options.timeout ?? Number.POSITIVE_INFINITY);
      while (alive(pid)) {
        if (Date.now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return true;
    },
  };
}

/**
 * This process's name (Python's `current_process().name`): `"MainProcess"`, or in a child started by
 * a `Process`, that process's name.
 *
 * @returns The name.
 *
 * @example
 * ```ts
 * import { currentProcessName } from "@cc/processes";
 * console.assert(currentProcessName() === "MainProcess");
 * ```
 */
export function currentProcessName(): string {
  return ownName;
}
