// Meets at `barrier` for `rounds` rounds. Before each wait it counts itself in `arrived[round]`; after
// the wait it records how many had arrived, which must be all parties. Posts its arrival indices.
import { parentPort, workerData } from "node:worker_threads";
import { rebuild } from "./_rebuild.mjs";

const { arrived, seen, rounds, worker } = workerData;
const barrier = rebuild(workerData.barrier);
const indices = [];
for (let round = 0; round < rounds; round++) {
  Atomics.add(arrived, round, 1);
  indices.push(barrier.waitSync());
  Atomics.store(seen, round * workerData.parties + worker, Atomics.load(arrived, round));
}
parentPort.postMessage(indices);
