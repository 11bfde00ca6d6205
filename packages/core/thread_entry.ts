// Entry point of a cc worker thread: serves task calls on the parent port.
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { HostMessage } from "./protocol.ts";
import { serveTasks } from "./runtime.ts";

const port = parentPort;
if (!port) throw new Error("@cc/core thread_entry must run in a worker thread");
serveTasks({
  post: (message, transfer) => port.postMessage(message, transfer),
  listen: (handler) => port.on("message", handler),
  exit: (code) => process.exit(code),
  poll: () => receiveMessageOnPort(port)?.message as HostMessage | undefined,
  spinMs: (workerData as { spinMs?: number } | null)?.spinMs ?? 0,
  routeOutput: true,
});
