// Holding `condition`'s lock, counts itself in waiting[0], says "waiting" and waits (waitSync, or
// waitForSync until shared[0] >= target). After waking it counts itself in waiting[1] (still under the
// lock) and posts { notified, phase } where phase is shared[1] as it woke.
import { parentPort, workerData } from "node:worker_threads";
import { rebuild } from "./_rebuild.mjs";

const { waiting, shared, target, options } = workerData;
const condition = rebuild(workerData.condition);
condition.acquireSync();
Atomics.add(waiting, 0, 1);
parentPort.postMessage("waiting");
const notified =
  target === undefined ? condition.waitSync(options) : condition.waitForSync(() => shared[0] >= target, options);
Atomics.add(waiting, 1, 1);
const phase = shared[1];
condition.release();
parentPort.postMessage({ notified, phase });
