// A module that forgot `isMainModule`: its top level starts a Thread, and runs again in every worker
// that imports the module for its task. cc refuses to start the thread there (BootstrapError).
import { task } from "@cc/core";
import { Thread } from "@cc/threads";

export function square(x: number): number {
  return x * x;
}

const thread = new Thread({ target: task<typeof square>(import.meta.url, "square"), args: [3] });
thread.start();
console.log(await thread.join());
