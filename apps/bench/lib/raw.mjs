// Hand-written worker_threads pools: the physical limits the libraries are compared to. Every task
// still gets its own Promise, as with a library's API. Adapted from /work/shared/peers/lib/raw.mjs.
//  - createMessagePool(size, 1): one postMessage per task, replies matched by id ("raw-naive").
//  - createMessagePool(size, 64): up to 64 tasks per message, flushed at the end of the synchronous
//    turn (queueMicrotask), one id per batch ("raw-batch64").
//  - createSabPool(size): a SharedArrayBuffer ring per worker, Int32 payloads only; the worker sleeps
//    in Atomics.wait, the main thread wakes through Atomics.waitAsync ("raw-sab").
import { Worker } from "node:worker_threads";

const MESSAGE_WORKER = new URL("../workers/raw.mjs", import.meta.url);
const SAB_WORKER = new URL("../workers/raw_sab.mjs", import.meta.url);

export function createMessagePool(size, batch) {
  const lanes = [];
  const waiting = new Map(); // id -> resolve (single) or resolve[] (batch)
  let nextId = 0;
  let flushQueued = false;

  const send = (lane) => {
    const id = nextId++;
    waiting.set(id, lane.resolvers);
    lane.worker.postMessage({ id, t: lane.t, xs: lane.xs });
    lane.xs = [];
    lane.resolvers = [];
  };
  const flushAll = () => {
    flushQueued = false;
    for (const lane of lanes) if (lane.xs.length > 0) send(lane);
  };

  for (let i = 0; i < size; i++) {
    const lane = { worker: new Worker(MESSAGE_WORKER), inflight: 0, t: "", xs: [], resolvers: [] };
    lane.worker.on("message", (m) => {
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
    lanes.push(lane);
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
        lane.worker.postMessage({ id, t, x });
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
    destroy: () => Promise.all(lanes.map((lane) => lane.worker.terminate())),
  };
}

const REQ_HEAD = 0;
const RES_HEAD = 2;
const STOP = 4;
const CODES = { inc: 0, cpu: 1 };

export function createSabPool(size, cap = 1 << 16) {
  const mask = cap - 1;
  const lanes = [];
  const dirty = new Set();
  let flushQueued = false;

  const watch = (lane) => {
    if (lane.watching || lane.head === lane.resTail) return;
    lane.watching = true;
    const w = Atomics.waitAsync(lane.ctrl, RES_HEAD, lane.resTail);
    if (w.async) w.value.then(lane.drain);
    else queueMicrotask(lane.drain);
  };
  const flush = () => {
    flushQueued = false;
    for (const lane of dirty) {
      Atomics.store(lane.ctrl, REQ_HEAD, lane.head);
      Atomics.notify(lane.ctrl, REQ_HEAD, 1);
      watch(lane);
    }
    dirty.clear();
  };
  const push = (lane, code, x, resolve) => {
    const s = lane.head & mask;
    lane.req[2 * s] = code;
    lane.req[2 * s + 1] = x;
    lane.resolvers[s] = resolve;
    lane.head = (lane.head + 1) | 0;
    dirty.add(lane);
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flush);
    }
  };
  const used = (lane) => (lane.head - lane.resTail) | 0;

  for (let i = 0; i < size; i++) {
    const sab = new SharedArrayBuffer(32 + cap * 8 + cap * 4);
    const lane = {
      ctrl: new Int32Array(sab, 0, 8),
      req: new Int32Array(sab, 32, cap * 2),
      res: new Int32Array(sab, 32 + cap * 8, cap),
      resolvers: new Array(cap),
      head: 0,
      resTail: 0,
      watching: false,
      overflow: [],
      worker: new Worker(SAB_WORKER, { workerData: { sab, cap } }),
    };
    lane.drain = () => {
      lane.watching = false;
      const end = Atomics.load(lane.ctrl, RES_HEAD);
      while (lane.resTail !== end) {
        const s = lane.resTail & mask;
        const r = lane.resolvers[s];
        lane.resolvers[s] = undefined;
        lane.resTail = (lane.resTail + 1) | 0;
        r(lane.res[s]);
      }
      while (lane.overflow.length > 0 && used(lane) < cap) push(lane, ...lane.overflow.shift());
      watch(lane);
    };
    lanes.push(lane);
  }

  return {
    run(t, x) {
      let lane = lanes[0];
      for (const l of lanes) if (used(l) + l.overflow.length < used(lane) + lane.overflow.length) lane = l;
      return new Promise((resolve) => {
        if (used(lane) < cap && lane.overflow.length === 0) push(lane, CODES[t], x, resolve);
        else lane.overflow.push([CODES[t], x, resolve]);
      });
    },
    async destroy() {
      for (const lane of lanes) {
        Atomics.store(lane.ctrl, STOP, 1);
        Atomics.notify(lane.ctrl, REQ_HEAD);
      }
      await Promise.all(lanes.map((lane) => lane.worker.terminate()));
    },
  };
}
