// Entry point of a cc worker thread: serves task calls on the port its host handed it in `workerData`.
import { type MessagePort, parentPort, receiveMessageOnPort, threadId, workerData } from "node:worker_threads";
import { adoptLingerClaims, claimLinger, releaseLinger } from "./_linger.ts";
import type { HostMessage } from "./protocol.ts";
import { serveTasks } from "./runtime.ts";

if (!parentPort) throw new Error("@cc/core thread_entry must run in a worker thread");
const data = workerData as {
  spinMs?: number;
  lingerMs?: number;
  lingerClaims?: BigInt64Array;
  posted?: Int32Array;
  port?: MessagePort;
} | null;
// cc's protocol travels on a channel of its own, both ways, so what task code posts on `parentPort` is
// never taken for a reply; task code does not find the port in `workerData` either
const channel = data?.port;
if (!channel) throw new Error("@cc/core thread_entry needs the port of its host in workerData");
if (data) data.port = undefined;
// Lingering: a claim is a cell of the process-wide `lingerClaims` (see `_linger.ts`); `posted` counts
// the host's messages (it adds one after each post), `received` the ones delivered here.
const claims = data?.lingerClaims;
if (claims) adoptLingerClaims(claims);
let claimed = -1;
const posted = data?.posted;
let received = 0;
serveTasks({
  post: (message, transfer) => channel.postMessage(message, transfer),
  listen: (handler) =>
    channel.on("message", (message: HostMessage) => {
      received = (received + 1) | 0;
      handler(message);
    }),
  exit: (code) => process.exit(code),
  poll: () => receiveMessageOnPort(channel)?.message as HostMessage | undefined,
  spinMs: data?.spinMs ?? 0,
  lingerMs: data?.lingerMs ?? 0,
  spinForMessage: posted
    ? (ms) => {
        const until = performance.now() + ms;
        while (Atomics.load(posted, 0) === received && performance.now() < until);
      }
    : undefined,
  beginLinger: () => {
    if (!claims) return true;
    claimed = claimLinger(claims, threadId, data?.lingerMs ?? 0);
    return claimed >= 0;
  },
  endLinger: () => {
    if (claims && claimed >= 0) releaseLinger(claims, threadId, claimed);
    claimed = -1;
  },
  routeOutput: true,
});
