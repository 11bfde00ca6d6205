// Calls `primitive[method](...args)` and posts the result, or { error: { name, message } } if it throws.
import { parentPort, workerData } from "node:worker_threads";
import { rebuild } from "./_rebuild.mjs";

const primitive = rebuild(workerData.primitive);
try {
  parentPort.postMessage({ result: primitive[workerData.method](...(workerData.args ?? [])) });
} catch (error) {
  parentPort.postMessage({ error: { name: error.name, message: error.message } });
}
