// Takes `primitive` (a lock or semaphore) with its blocking acquire, says "held", then holds it until
// `release` is set, releases it and says "released".
import { parentPort, workerData } from "node:worker_threads";
import { rebuild } from "./_rebuild.mjs";

const primitive = rebuild(workerData.primitive);
const release = rebuild(workerData.release);
primitive.acquireSync();
parentPort.postMessage("held");
release.waitSync();
primitive.release();
parentPort.postMessage("released");
