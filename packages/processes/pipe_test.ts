import { InvalidStateError, task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import { BrokenPipeError, EOFError, Pipe, Process } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const echo = task<typeof T.echo>(tasks, "echo");
const sendMany = task<typeof T.sendMany>(tasks, "sendMany");
const recvAll = task<typeof T.recvAll>(tasks, "recvAll");
const sendAndExit = task<typeof T.sendAndExit>(tasks, "sendAndExit");

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

describe("Pipe", () => {
  it("duplex: the host and a child both send and receive, in order (test_connection)", async () => {
    const [mine, theirs] = Pipe();
    const child = start(new Process({ target: echo, args: [theirs] }));
    for (const x of [1, 2, 3]) await mine.send(x);
    expect([await mine.recv(), await mine.recv(), await mine.recv()]).toEqual([2, 4, 6]);
    await mine.send("stop");
    expect(await child.join()).toBe(3);
    // the child closed its end: nothing left, so EOFError; sending now is a broken pipe
    await expect(mine.recv()).rejects.toBeInstanceOf(EOFError);
    await expect(mine.send(1)).rejects.toBeInstanceOf(BrokenPipeError);
    expect(await mine.poll()).toBe(true); // recv would not wait: it would throw at once (Python)
  });

  it("one-way: a child writes, the host reads everything, then EOFError (test_duplex_false)", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    expect([reader.readable, reader.writable, writer.readable, writer.writable]).toEqual([true, false, false, true]);
    await expect(reader.send(1)).rejects.toBeInstanceOf(InvalidStateError);
    await expect(writer.recv()).rejects.toBeInstanceOf(InvalidStateError);
    const child = start(new Process({ target: sendMany, args: [writer, 50] }));
    await child.join();
    const got: number[] = [];
    while (await reader.poll()) {
      try {
        got.push(await reader.recv<number>());
      } catch (error) {
        expect(error).toBeInstanceOf(EOFError);
        break;
      }
    }
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("one-way: the host writes, a child reads until the host closes its end", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    const child = start(new Process({ target: recvAll, args: [reader] }));
    for (let i = 0; i < 10; i++) await writer.send(i);
    await writer.close();
    expect(await writer.isClosed()).toBe(true);
    expect(await child.join()).toEqual(Array.from({ length: 10 }, (_, i) => i));
    await expect(writer.send(1)).rejects.toBeInstanceOf(InvalidStateError); // own end closed
  });

  it("an end used only by a child that ended is closed: the other end reads what is left, then EOFError", async () => {
    const [mine, theirs] = Pipe();
    const receiving = mine.recv(); // waiting before the child even starts
    const child = start(new Process({ target: sendAndExit, args: [theirs, 3] }));
    expect(await receiving).toBe(0);
    expect(await mine.recv()).toBe(1);
    expect(await mine.recv()).toBe(2);
    await expect(mine.recv()).rejects.toBeInstanceOf(EOFError); // not a wait for ever
    await child.join();
    expect(await theirs.isClosed()).toBe(true);
  });

  it("poll() waits up to its timeout; recv() honours an abort signal", async () => {
    const [a, b] = Pipe();
    expect(await b.poll()).toBe(false); // default: no wait
    expect(await b.poll({ timeout: 20 })).toBe(false);
    const polling = b.poll({ timeout: 60_000 });
    await a.send("x");
    expect(await polling).toBe(true);
    expect(await b.recv()).toBe("x");
    const controller = new AbortController();
    const receiving = b.recv({ signal: controller.signal });
    controller.abort(new Error("enough"));
    await expect(receiving).rejects.toThrow("enough");
    await a.send("y");
    expect(await b.recv()).toBe("y"); // the aborted recv took nothing
  });
});
