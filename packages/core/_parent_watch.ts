// The orphan watch of a cc child process: a child must end soon after its parent, whatever its task does.
// The IPC channel's `disconnect` event tells the child when the parent goes, but only once the event loop
// runs, and a CPU-bound task may hold the loop for minutes (or forever). So a tiny worker thread, whose
// event loop no task can block, checks every `PARENT_CHECK_MS` whether the process was re-parented
// (its `ppid` changed: the parent died) and then kills its own process with SIGKILL.
//
// As cheap as a thread gets: CommonJS code evaluated in place (no module file to resolve or load), none
// of the child's Node flags (no tsx loader, no heap limits), the environment shared rather than copied.
// It is unref'd, so it never keeps the child alive, and started before any task can run. It still
// costs a worker thread's bootstrap, about 70 ms of CPU on another core (Node 20), and about 9 MB.
import { SHARE_ENV, Worker } from "node:worker_threads";

/** How often the watch checks the parent, in milliseconds: a dead parent is noticed within this. */
export const PARENT_CHECK_MS = 250;

const WATCH = `"use strict";
const { workerData } = require("node:worker_threads");
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(process.pid, "SIGKILL");
}, workerData.every);`;

/**
 * Starts the watch: this process kills itself within about `PARENT_CHECK_MS` after its parent (the
 * process that was its parent now) has died. Returns `undefined` when there is nothing to watch.
 */
export function watchParent(): Worker | undefined {
  const parent = process.ppid;
  if (parent <= 1) return undefined; // already an orphan, or started by init: nobody to outlive
  try {
    const worker = new Worker(WATCH, {
      eval: true,
      workerData: { parent, every: PARENT_CHECK_MS },
      execArgv: [],
      env: SHARE_ENV,
      stdout: true, // its output, if any, goes nowhere: it prints nothing
      stderr: true,
    });
    worker.on("error", () => {}); // a watch that failed must not take the child down with it
    worker.unref();
    return worker;
  } catch {
    return undefined; // no threads (an unusual build): the disconnect handler is the only watch
  }
}
