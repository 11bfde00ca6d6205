import { InvalidStateError, task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { activeChildren, Event, Process, ProcessPoolExecutor } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const waitGo = task<typeof T.waitGo>(tasks, "waitGo");
const whoAmI = task<typeof T.whoAmI>(tasks, "whoAmI");

const started: Process[] = [];
function start<P extends Process>(p: P): P {
  p.start();
  started.push(p);
  return p;
}
afterEach(async () => {
  for (const p of started.splice(0)) {
    if (!p.isAlive()) continue;
    p.kill();
    await p.join();
  }
});

describe("activeChildren()", () => {
  it("lists the started processes until they end (test_active_children)", async () => {
    const go = new Event();
    expect(activeChildren()).toEqual([]);
    const a = new Process({ target: waitGo, args: [go] });
    expect(activeChildren()).toEqual([]); // not started
    start(a);
    const b = start(new Process({ target: waitGo, args: [go] }));
    expect(activeChildren()).toEqual([a, b]);
    await go.set();
    await a.join();
    await b.join();
    expect(activeChildren()).toEqual([]);
  });
});

describe("Process.close()", () => {
  it("refuses while the child runs; afterwards its methods throw InvalidStateError (test_close)", async () => {
    const go = new Event();
    const p = start(new Process({ target: waitGo, args: [go] }));
    expect(() => p.close()).toThrow(InvalidStateError);
    await go.set();
    await p.join();
    expect(p.exitCode).toBe(0);
    p.close();
    p.close(); // idempotent
    expect(() => p.exitCode).toThrow(InvalidStateError);
    expect(() => p.pid).toThrow(InvalidStateError);
    expect(() => p.isAlive()).toThrow(InvalidStateError);
    expect(() => p.start()).toThrow(InvalidStateError);
    expect(() => p.kill()).toThrow(InvalidStateError);
    await expect(p.join()).rejects.toBeInstanceOf(InvalidStateError);
    expect(String(p)).toBe(`<Process name="${p.name}" closed>`);
    started.pop();
  });
});

describe("parentProcess()", () => {
  it("in a Process child: this process, named MainProcess, alive; the child knows its own name (test_parent_process)", async () => {
    const p = start(new Process({ target: whoAmI, name: "inspector" }));
    expect(await p.join()).toEqual({
      parentPid: process.pid,
      parentName: "MainProcess",
      alive: true,
      name: "inspector",
    });
  });

  it("in a pool worker: this process", async () => {
    await using executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    const info = await executor.submit(whoAmI);
    expect(info.parentPid).toBe(process.pid);
    expect(info.alive).toBe(true);
  });
});
