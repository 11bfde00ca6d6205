// What a pool knows of the tasks (functions) it runs: one `TaskInfo` per function, however many
// `task()` handles name it, so that a handle made anew for each submit shares the ramp, and the worker
// receives the definition once.
import type { Task } from "@cc/core";
import { type JobOwner, TaskInfo } from "./_job.ts";

/** A pool's `TaskInfo`s (see the file's comment). */
export class TaskInfos {
  readonly #owner: JobOwner;
  readonly #byTask = new WeakMap<Task, TaskInfo>();
  readonly #byName = new Map<string, TaskInfo>();
  #lastTask: Task | undefined;
  #lastInfo: TaskInfo | undefined;

  constructor(owner: JobOwner) {
    this.#owner = owner;
  }

  /** Checks `task` and returns what the pool knows of it. */
  of(task: Task): TaskInfo {
    if (task === this.#lastTask) return this.#lastInfo!;
    let info = this.#byTask.get(task);
    if (info === undefined) {
      if (typeof task !== "object" || task === null || typeof task.url !== "string" || typeof task.name !== "string") {
        throw new TypeError(
          `submit() needs a task made with task() or defineTask(), got ${task === null ? "null" : typeof task}`,
        );
      }
      const key = `${task.name}\u0000${task.url}`;
      info = this.#byName.get(key);
      if (info === undefined) {
        info = new TaskInfo(task, this.#owner);
        this.#byName.set(key, info);
      }
      this.#byTask.set(task, info);
    }
    this.#lastTask = task;
    this.#lastInfo = info;
    return info;
  }
}
