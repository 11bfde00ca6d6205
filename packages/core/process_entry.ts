// Entry point of a cc child process: serves task calls over the IPC channel (JSON, with v8-serialized
// messages inside where JSON would not be exact: see _process_wire.ts).
// The child exits when its parent goes away (the channel disconnects), so no orphan is left behind.
import { serialize } from "node:v8";
import { watchParent } from "./_parent_watch.ts";
import { WireReceiver, WireSender } from "./_process_wire.ts";
import type { HostMessage } from "./protocol.ts";
import { serveTasks } from "./runtime.ts";

if (!process.send) throw new Error("@cc/core process_entry must run in a child process with an IPC channel");
// cc's messages travel tagged, with a tag only the host and this module know: a message task code sends
// with `process.send` is never taken for a reply. Task code does not see the tag.
const tag = Number(process.env.CC_CHANNEL_TAG);
delete process.env.CC_CHANNEL_TAG;
// The pipe of large v8-serialized messages, both ways (see _process_wire.ts). Unref'd: the IPC channel
// decides how long this process lives.
const bulkFd = Number(process.env.CC_BULK_FD);
delete process.env.CC_BULK_FD;
const bulk =
  bulkFd > 2
    ? new (process.getBuiltinModule("node:net").Socket)({ fd: bulkFd, readable: true, writable: true })
    : undefined;
bulk?.unref();
bulk?.on("error", () => {}); // the parent is gone: the channel's disconnect tells
const send = process.send.bind(process);
const sender = new WireSender(tag, (wire) => send(wire), bulk);
process.on("disconnect", () => process.exit(0));
// Ctrl-C on a terminal sends SIGINT to the whole process group, children included: the parent decides
// what happens then (abort its tasks, stop its pools, exit), so a child does not die of it first. It
// still ends with its parent (the disconnect above, the orphan watch below) and on SIGTERM/SIGKILL.
process.on("SIGINT", () => {});
// A busy task holds the event loop, and with it the disconnect handler: a thread watches the parent too.
// Started here, before a task can run: a task may hold the loop from the turn its call arrives in (on
// Node 22 its module can load without another turn, so a start deferred to setImmediate came too late).
watchParent();
// Running as TypeScript means the host started this child with tsx's loader: `.ts` task modules load
// as they are, and registering tsx again would chain a second copy of its hooks.
if (import.meta.url.endsWith(".ts"))
  (globalThis as Record<symbol, unknown>)[Symbol.for("cc.typescriptRegistered")] = true;
let exiting = false;
serveTasks({
  post: (message) => sender.post(message),
  listen: (handler) => {
    const receiver = new WireReceiver(tag, (message) => handler(message as HostMessage));
    process.on("message", (wire: unknown) => receiver.message(wire));
    bulk?.on("data", (chunk: Buffer) => receiver.data(chunk));
  },
  checkClone: (value) => {
    serialize(value); // what a message that JSON would not carry exactly goes through
  },
  exit: (code) => {
    if (exiting) return;
    exiting = true;
    // wait until everything queued on the channel and the bulk pipe has been written
    if (process.connected)
      sender.whenWritten(() => process.send?.([tag, { k: "bye" }], undefined, {}, () => process.exit(code)));
    else process.exit(code);
  },
});
