// The floor of a spinning round trip on this machine: both threads poll, no engine. `node experiments/spin_floor.mjs port|sab`
// ("port": a MessagePort each way, polled with receiveMessageOnPort; "sab": v8.serialize into a SharedArrayBuffer).

import { deserialize, serialize } from "node:v8";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

const mode = process.argv[2];
const sab = new SharedArrayBuffer(1 << 16);
const { port1, port2 } = new MessageChannel();
const w = new Worker(new URL("./spin_floor_worker.mjs", import.meta.url), {
  workerData: { mode, sab, port: port2 },
  transferList: [port2],
});
const ctl = new Int32Array(sab, 0, 4);
const bytes = new Uint8Array(sab, 16);
function tripPort(x) {
  w.postMessage(x);
  for (;;) {
    const m = receiveMessageOnPort(port1);
    if (m) return m.message;
  }
}
function tripSab(x) {
  const b = serialize(x);
  bytes.set(b);
  ctl[1] = b.length;
  Atomics.store(ctl, 0, 1);
  while (Atomics.load(ctl, 0) !== 2);
  const v = deserialize(bytes.subarray(0, ctl[1]));
  ctl[0] = 0;
  return v;
}
const trip = mode === "port" ? tripPort : tripSab;
await new Promise((r) => setTimeout(r, 100));
for (let i = 0; i < 5000; i++) trip(i);
const out = [];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 20000; i++) await Promise.resolve(trip(i));
  out.push((((performance.now() - t0) / 20000) * 1000).toFixed(2));
}
console.log(mode, "us/trip", out.join(" "));
if (mode === "port") w.postMessage("stop");
else {
  const b = serialize("stop");
  bytes.set(b);
  ctl[1] = b.length;
  Atomics.store(ctl, 0, 1);
}
await w.terminate();
