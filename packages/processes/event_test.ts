import { task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { Event, Process } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const waitFor = task<typeof T.waitFor>(tasks, "waitFor");

const started: Process[] = [];
function start<P extends Process>(p: P): P {
  p.start();
  started.push(p);
  return p;
}
afterEach(async () => {
  for (const p of started.splice(0)) {
    p.kill();
    await p.join();
  }
});

describe("Event", () => {
  it("set()/clear()/isSet()/wait() in one process (test_event)", async () => {
    const e = new Event();
    expect(await e.isSet()).toBe(false);
    expect(await e.wait({ timeout: 0 })).toBe(false);
    expect(await e.wait({ timeout: 20 })).toBe(false);
    await e.set();
    expect(await e.isSet()).toBe(true);
    expect(await e.wait()).toBe(true);
    expect(await e.wait({ timeout: 0 })).toBe(true);
    await e.clear();
    expect(await e.isSet()).toBe(false);
  });

  it("set() in the host wakes children waiting in wait(); a child's wait with a timeout returns false if never set", async () => {
    const e = new Event();
    const never = new Event();
    const waiting = [new Event(), new Event(), new Event()];
    const waiters = [0, 1].map((i) => start(new Process({ target: waitFor, args: [e, undefined, waiting[i]!] })));
    const timed = start(new Process({ target: waitFor, args: [never, 50, waiting[2]!] }));
    for (const w of waiting) await w.wait();
    await e.set();
    expect(await Promise.all(waiters.map((p) => p.join()))).toEqual([true, true]);
    expect(await timed.join()).toBe(false); // Python's wait(timeout) returns False
  });

  it("a child's set() wakes the host", async () => {
    const e = new Event();
    const waiting = new Event();
    const child = start(new Process({ target: waitFor, args: [waiting, undefined, e] })); // the child sets e
    expect(await e.wait()).toBe(true);
    await waiting.set();
    expect(await child.join()).toBe(true);
  });
});
