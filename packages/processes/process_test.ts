import { CloneError, InvalidStateError, task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { Process } from "./mod.ts";
import { Failing, Report, Unlocated, WithCallback } from "./testdata/processes.ts";
import type * as T from "./testdata/tasks.ts";

const tasks = new URL("./testdata/tasks.ts", import.meta.url);
const square = task<typeof T.square>(tasks, "square");
const fail = task<typeof T.fail>(tasks, "fail");
const exitWith = task<typeof T.exitWith>(tasks, "exitWith");
const killSelf = task<typeof T.killSelf>(tasks, "killSelf");
const forever = task<typeof T.forever>(tasks, "forever");

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

describe("Process", () => {
  it("runs its target in a child process; join() resolves to the output and exitCode is 0", async () => {
    const p = new Process({ target: square, args: [123] });
    expect(p.isAlive()).toBe(false);
    expect(p.pid).toBeUndefined();
    expect(p.exitCode).toBeNull();
    start(p);
    expect(p.isAlive()).toBe(true);
    expect(p.pid).toBeGreaterThan(0);
    expect(p.pid).not.toBe(process.pid);
    expect(await p.join()).toBe(15129);
    expect(p.exitCode).toBe(0);
    expect(p.isAlive()).toBe(false);
    expect(p.error).toBeUndefined();
    expect(await p.join()).toBe(15129); // join again: same answer
  });

  it("is named Process-N by default (Python), or by its name option", () => {
    const a = new Process();
    const b = new Process();
    expect(Number(b.name.slice("Process-".length))).toBe(Number(a.name.slice("Process-".length)) + 1);
    expect(new Process({ name: "downloader" }).name).toBe("downloader");
    expect(String(new Process({ name: "x" }))).toBe('<Process name="x" initial>');
  });

  it("runs six processes on a 2-core machine: none fails (the course says 5 and 6 would)", async () => {
    const ps = [123, 456, 789, 111, 222, 333].map((id) => start(new Process({ target: square, args: [id] })));
    expect(await Promise.all(ps.map((p) => p.join()))).toEqual([15129, 207936, 622521, 12321, 49284, 110889]);
    expect(ps.map((p) => p.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  describe("exitCode, as Python's exitcode", () => {
    it("is 1 when the target throws; the error is kept and join() resolves to undefined", async () => {
      const p = start(new Process({ target: fail, args: ["bad id"] }));
      expect(await p.join()).toBeUndefined();
      expect(p.exitCode).toBe(1);
      expect(p.error).toBeInstanceOf(RangeError);
      expect((p.error as Error).message).toBe("bad id");
    });

    it("is n after process.exit(n)", async () => {
      const p = start(new Process({ target: exitWith, args: [7] }));
      await p.join();
      expect(p.exitCode).toBe(7);
    });

    it("is -9 when the child is killed by SIGKILL", async () => {
      const p = start(new Process({ target: killSelf, args: ["SIGKILL"] }));
      await p.join();
      expect(p.exitCode).toBe(-9);
    });

    it("is -15 after terminate() and -9 after kill()", async () => {
      const a = start(new Process({ target: forever }));
      const b = start(new Process({ target: forever }));
      a.terminate();
      b.kill();
      await Promise.all([a.join(), b.join()]);
      expect([a.exitCode, b.exitCode]).toEqual([-15, -9]);
      a.terminate(); // no-op once ended
    });
  });

  it("join({ timeout }) resolves after the timeout with the process still alive", async () => {
    const p = start(new Process({ target: forever }));
    expect(await p.join({ timeout: 50 })).toBeUndefined();
    expect(p.exitCode).toBeNull();
    expect(p.isAlive()).toBe(true);
    p.kill();
    await p.join();
    expect(p.isAlive()).toBe(false);
  });

  it("refuses join() before start() and a second start()", async () => {
    const p = new Process({ target: square, args: [2] });
    await expect(p.join()).rejects.toThrow(InvalidStateError);
    start(p);
    expect(() => p.start()).toThrow("a process starts once");
    expect(await p.join()).toBe(4);
  });

  it("run() called directly runs the target here, in this process", async () => {
    const p = new Process({ target: task<typeof T.pid>(tasks, "pid") });
    expect(await p.run()).toBe(process.pid);
  });

  it("a process without target or run() does nothing and exits with 0", async () => {
    const p = start(new Process());
    expect(await p.join()).toBeUndefined();
    expect(p.exitCode).toBe(0);
  });

  describe("subclasses", () => {
    it("run() runs in the child on a copy of the object's fields; the constructor does not run again", async () => {
      const p = start(new Report(123, "first"));
      const out = await p.join();
      expect(out).toMatchObject({ id: 123, label: "first", createdIn: process.pid, name: p.name });
      expect(out?.runsIn).toBe(p.pid);
      expect(p.exitCode).toBe(0);
    });

    it("an error thrown by run() gives exitCode 1 and keeps the error", async () => {
      const p = start(new Failing());
      await p.join();
      expect(p.exitCode).toBe(1);
      expect(p.error).toBeInstanceOf(TypeError);
      expect((p.error as Error).message).toBe("failed in the child");
    });

    it("needs static module to be located; refuses a field that cannot cross with its path", () => {
      expect(() => new Unlocated().start()).toThrow(/add `static module = import.meta.url`/);
      const error = (() => {
        try {
          new WithCallback().start();
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(CloneError);
      expect(error).toMatchObject({ path: "this.callback" });
    });
  });

  it("refuses an argument that cannot reach a child process, with its path", () => {
    expect(() => new Process({ target: square, args: [new SharedArrayBuffer(4) as never] }).start()).toThrow(
      CloneError,
    );
    expect(() => new Process({ target: square, args: [{ f: () => 1 } as never] }).start()).toThrow(/args\[0\]\.f/);
  });

  it.each([
    [{ target: () => 1 }, "target must be a task"],
    [{ args: "x" }, "args must be an array"],
    [{ name: 5 }, "name must be a string, got number"],
  ])("rejects bad options %j", (options, message) => {
    expect(() => new Process(options as never)).toThrow(TypeError);
    expect(() => new Process(options as never)).toThrow(message);
  });
});
