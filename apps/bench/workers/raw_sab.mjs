// Worker of the SharedArrayBuffer design: one ring of requests (code, arg) and one ring of Int32
// results per worker. ctrl = [REQ_HEAD, REQ_TAIL, RES_HEAD, unused, STOP]. The worker sleeps in
// Atomics.wait when the ring is empty and publishes results every 256 tasks and at the end of a run.
import { workerData } from "node:worker_threads";
import { cpu, inc } from "../lib/tasks.mjs";

const REQ_HEAD = 0;
const REQ_TAIL = 1;
const RES_HEAD = 2;
const STOP = 4;
const PUBLISH_EVERY = 256;
const { sab, cap } = workerData;
const ctrl = new Int32Array(sab, 0, 8);
const req = new Int32Array(sab, 32, cap * 2);
const res = new Int32Array(sab, 32 + cap * 8, cap);
const mask = cap - 1;
const fns = [inc, cpu];
let tail = 0;
let resHead = 0;

function publish() {
  Atomics.store(ctrl, REQ_TAIL, tail);
  Atomics.store(ctrl, RES_HEAD, resHead);
  Atomics.notify(ctrl, RES_HEAD);
}

for (;;) {
  const head = Atomics.load(ctrl, REQ_HEAD);
  if (head === tail) {
    if (Atomics.load(ctrl, STOP)) break;
    Atomics.wait(ctrl, REQ_HEAD, head);
    continue;
  }
  let sincePublish = 0;
  while (tail !== head) {
    const s = tail & mask;
    res[resHead & mask] = fns[req[2 * s]](req[2 * s + 1]);
    tail = (tail + 1) | 0;
    resHead = (resHead + 1) | 0;
    if (++sincePublish === PUBLISH_EVERY) {
      sincePublish = 0;
      publish();
    }
  }
  publish();
}
