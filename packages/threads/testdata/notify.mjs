// Takes `condition`'s lock (blocking until the waiter releases it in wait()), notifies, releases.
import { workerData } from "node:worker_threads";
import { rebuild } from "./_rebuild.mjs";

const condition = rebuild(workerData.condition);
condition.acquireSync();
condition.notify();
condition.release();
