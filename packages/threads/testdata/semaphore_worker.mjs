// Enters a section guarded by `semaphore` `iterations` times and records in `stats` how many threads
// are inside ([0]) and the most ever seen inside at once ([1]).
import { parentPort, workerData } from "node:worker_threads";
import { rebuild } from "./_rebuild.mjs";

const { stats, iterations } = workerData;
const semaphore = rebuild(workerData.semaphore);
parentPort.postMessage("ready");
rebuild(workerData.start).waitSync();
for (let i = 0; i < iterations; i++) {
  semaphore.acquireSync();
  const inside = Atomics.add(stats, 0, 1) + 1;
  let max = Atomics.load(stats, 1);
  while (inside > max) max = Atomics.compareExchange(stats, 1, max, inside) === max ? inside : Atomics.load(stats, 1);
  for (let k = 0; k < 200; k++) Atomics.load(stats, 2);
  Atomics.sub(stats, 0, 1);
  semaphore.release();
}
parentPort.postMessage("done");
