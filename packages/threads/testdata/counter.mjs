// Increments a shared, non-atomic counter `iterations` times: read, let other threads run, write.
// Under `lock` (if given) no update is lost. Says "ready", then starts when `start` is set, so all
// workers overlap.
import { parentPort, workerData } from "node:worker_threads";
import { rebuild } from "./_rebuild.mjs";

const { lock: lockHandle, start: startHandle, counter, iterations, mode } = workerData;
const lock = lockHandle === null ? null : rebuild(lockHandle);
parentPort.postMessage("ready");
rebuild(startHandle).waitSync();

function widenRace() {
  for (let i = 0; i < 50; i++) Atomics.load(counter, 1); // a few hundred ns between read and write
}

for (let i = 0; i < iterations; i++) {
  if (lock !== null) {
    if (mode === "async") await lock.acquire();
    else lock.acquireSync();
  }
  const seen = counter[0];
  widenRace();
  counter[0] = seen + 1;
  lock?.release();
}
parentPort.postMessage("done");
