// Entry point of a cc worker thread: serves task calls on the parent port.
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { HostMessage } from "./protocol.ts";
import { serveTasks } from "./runtime.ts";

const port = parentPort;
if (!port) throw new Error("@cc/core thread_entry must run in a worker thread");
const data = workerData as { spinMs?: number; lingerMs?: number; replyPort?: MessagePort } | null;
// low-latency mode: replies go on their own port, which the host can poll
const out = data?.replyPort ?? port;
serveTasks({
  post: (message, transfer) => out.postMessage(message, transfer),
  listen: (handler) => port.on("message", handler),
  exit: (code) => process.exit(code),
  poll: () => receiveMessageOnPort(port)?.message as HostMessage | undefined,
  spinMs: data?.spinMs ?? 0,
  lingerMs: data?.lingerMs ?? 0,
  routeOutput: true,
});
