// Entry point of a cc child process: serves task calls over the IPC channel (advanced serialization).
// The child exits when its parent goes away (the channel disconnects), so no orphan is left behind.
import { serialize } from "node:v8";
import { watchParent } from "./_parent_watch.ts";
import { serveTasks } from "./runtime.ts";

if (!process.send) throw new Error("@cc/core process_entry must run in a child process with an IPC channel");
// cc's messages to the host travel as `[tag, message]`, with a tag only the host and this module know: a
// message task code sends with `process.send` is never taken for a reply. Task code does not see the tag.
const tag = Number(process.env.CC_CHANNEL_TAG);
delete process.env.CC_CHANNEL_TAG;
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
  post: (message) => {
    process.send?.([tag, message]);
  },
  listen: (handler) => process.on("message", handler as (message: unknown) => void),
  checkClone: (value) => {
    serialize(value); // what the channel's "advanced" serialization accepts
  },
  exit: (code) => {
    if (exiting) return;
    exiting = true;
    // wait until everything queued on the channel has been written
    if (process.connected) process.send?.([tag, { k: "bye" }], undefined, {}, () => process.exit(code));
    else process.exit(code);
  },
});
