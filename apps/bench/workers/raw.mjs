// Worker of the hand-written message designs: { id, t, x } -> { id, y } (one task per message)
// and { id, t, xs } -> { id, ys } (a batch per message).
import { parentPort } from "node:worker_threads";
import { cpu, inc } from "../lib/tasks.mjs";

const fns = { inc, cpu };
parentPort.on("message", (m) => {
  const f = fns[m.t];
  if (m.xs === undefined) {
    parentPort.postMessage({ id: m.id, y: f(m.x) });
    return;
  }
  const ys = new Array(m.xs.length);
  for (let i = 0; i < ys.length; i++) ys[i] = f(m.xs[i]);
  parentPort.postMessage({ id: m.id, ys });
});
