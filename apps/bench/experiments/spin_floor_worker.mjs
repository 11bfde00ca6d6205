// Worker of spin_floor.mjs: answers x with x + 1 while spinning, over a MessagePort or a SharedArrayBuffer.

import { deserialize, serialize } from "node:v8";
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";

const { mode, sab, port } = workerData;
if (mode === "port") {
  for (;;) {
    const m = receiveMessageOnPort(parentPort);
    if (m) {
      if (m.message === "stop") break;
      port.postMessage(m.message + 1);
    }
  }
} else {
  const ctl = new Int32Array(sab, 0, 4);
  const bytes = new Uint8Array(sab, 16);
  for (;;) {
    if (Atomics.load(ctl, 0) === 1) {
      const len = ctl[1];
      const v = deserialize(bytes.subarray(0, len));
      if (v === "stop") break;
      const out = serialize(v + 1);
      bytes.set(out);
      ctl[1] = out.length;
      Atomics.store(ctl, 0, 2);
    }
  }
}
