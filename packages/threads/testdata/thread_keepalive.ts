// A program for thread_test.ts: does a thread keep Node.js alive? `tsx thread_keepalive.ts <case>`.
import { isMainModule, task } from "@cc/core";
import { Thread } from "../mod.ts";

export async function sleepThenPrint(ms: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  console.log("worker: done");
  return "done";
}

export function blockForever(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

if (isMainModule(import.meta)) {
  const which = process.argv[2];
  if (which === "running") {
    // not joined: the running thread alone keeps the program alive until it ends
    new Thread({ target: task<typeof sleepThenPrint>(import.meta.url, "sleepThenPrint"), args: [300] }).start();
    console.log("main: end of module");
  } else if (which === "daemon") {
    const t = new Thread({ target: task<typeof blockForever>(import.meta.url, "blockForever"), daemon: true });
    t.start();
    console.log(`main: daemon alive ${t.isAlive()}`);
  } else if (which === "daemon-joined") {
    const target = task<typeof sleepThenPrint>(import.meta.url, "sleepThenPrint");
    const t = new Thread({ target, args: [300], daemon: true });
    t.start();
    console.log(`main: joined ${await t.join()}`); // awaiting join keeps Node alive, as Python's blocks
  } else if (which === "joined") {
    const t = new Thread({ target: task<typeof sleepThenPrint>(import.meta.url, "sleepThenPrint"), args: [0] });
    t.start();
    console.log(`main: joined ${await t.join()}`);
    // the finished thread's worker is gone: nothing keeps Node alive now
  }
}
