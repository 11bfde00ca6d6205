// Says "waiting", blocks in event.waitSync(options) and posts its result.
import { parentPort, workerData } from "node:worker_threads";
import { rebuild } from "./_rebuild.mjs";

const event = rebuild(workerData.event);
parentPort.postMessage("waiting");
parentPort.postMessage(event.waitSync(workerData.options));
