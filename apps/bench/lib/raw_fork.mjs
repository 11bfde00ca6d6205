// Hand-written child_process pools: the limit cc's process transport is compared to (issue 15).
// Mirrors `createRawFork` of /work/shared/peers/lib/raw.mjs: `child_process.fork` with
// `serialization: "json"` ("fork-json") or `"advanced"` ("fork-advanced"), one IPC message per task
// (`batch` 1) or up to `batch` tasks per message flushed at the end of the synchronous turn, replies
// matched by id, the least busy child first. Every task still gets its own Promise.
import { fork } from "node:child_process";
import { once } from "node:events";

const FORK_CHILD = new URL("../workers/raw_fork.mjs", import.meta.url);

export async function createForkPool(size, { batch = 1, serialization = "json" } = {}) {
  const lanes = [];
  const waiting = new Map(); // id -> resolve (single) or resolve[] (batch)
  let nextId = 0;
  let flushQueued = false;

  const send = (lane) => {
    const id = nextId++;
    waiting.set(id, lane.resolvers);
    lane.child.send({ id, t: lane.t, xs: lane.xs });
    lane.xs = [];
    lane.resolvers = [];
  };
  const flushAll = () => {
    flushQueued = false;
    for (const lane of lanes) if (lane.xs.length > 0) send(lane);
  };

  for (let i = 0; i < size; i++) {
    const child = fork(FORK_CHILD, [], { serialization, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    lanes.push({ child, inflight: 0, t: "", xs: [], resolvers: [] });
  }
  // wait until each child is listening
  await Promise.all(lanes.map((lane) => once(lane.child, "message")));
  for (const lane of lanes) {
    lane.child.on("message", (m) => {
      const r = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.ys === undefined) {
        lane.inflight--;
        r(m.y);
        return;
      }
      lane.inflight -= m.ys.length;
      for (let k = 0; k < r.length; k++) r[k](m.ys[k]);
    });
  }

  const leastBusy = () => {
    let best = lanes[0];
    for (const lane of lanes) if (lane.inflight < best.inflight) best = lane;
    return best;
  };

  return {
    run(t, x) {
      const lane = leastBusy();
      lane.inflight++;
      if (batch <= 1) {
        const id = nextId++;
        lane.child.send({ id, t, x });
        return new Promise((resolve) => waiting.set(id, resolve));
      }
      if (lane.t !== t && lane.xs.length > 0) send(lane);
      lane.t = t;
      return new Promise((resolve) => {
        lane.xs.push(x);
        lane.resolvers.push(resolve);
        if (lane.xs.length >= batch) send(lane);
        else if (!flushQueued) {
          flushQueued = true;
          queueMicrotask(flushAll);
        }
      });
    },
    async destroy() {
      await Promise.all(
        lanes.map((lane) => {
          const exited = once(lane.child, "exit");
          lane.child.kill();
          return exited;
        }),
      );
    },
  };
}
