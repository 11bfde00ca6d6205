// Child of the hand-written child_process pools (lib/raw_fork.mjs): { id, t, x } -> { id, y } (one task
// per message) and { id, t, xs } -> { id, ys } (a batch per message). Mirrors the peers' fork-child.mjs.
import { cpu, inc } from "../lib/tasks.mjs";

const fns = { inc, cpu };
process.on("message", (m) => {
  const f = fns[m.t];
  if (m.xs === undefined) {
    process.send({ id: m.id, y: f(m.x) });
    return;
  }
  const ys = new Array(m.xs.length);
  for (let i = 0; i < ys.length; i++) ys[i] = f(m.xs[i]);
  process.send({ id: m.id, ys });
});
process.send({ ready: true });
