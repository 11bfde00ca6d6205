import { connect } from "node:net";
import { serialize } from "node:v8";
import { SHAREABLE, task } from "@cc/core";
import { afterEach, describe, expect, it } from "vitest";
import type { Handle } from "./_broker_client.ts";
import { Process, Queue } from "./mod.ts";
import type * as T from "./testdata/primitive_tasks.ts";

const tasks = new URL("./testdata/primitive_tasks.ts", import.meta.url);
const forward = task<typeof T.forward>(tasks, "forward");

const started: Process[] = [];
afterEach(async () => {
  for (const p of started.splice(0)) {
    p.kill();
    await p.join();
  }
});

function frame(message: unknown): Buffer {
  const body = serialize(message);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** Connects to the broker of `handle`, writes `bytes`, resolves with what came back once it closed. */
function talk(handle: Handle, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect(handle.address);
    const got: Buffer[] = [];
    socket.on("data", (d) => got.push(d));
    socket.on("error", () => {});
    socket.on("close", () => resolve(Buffer.concat(got)));
    socket.write(bytes);
  });
}

describe("the broker", () => {
  it("carries an item of several megabytes across processes intact (frames split over many reads)", async () => {
    const from = new Queue<unknown>();
    const to = new Queue<unknown>();
    const p = new Process({ target: forward, args: [from, to] });
    p.start();
    started.push(p);
    const big = { text: "x".repeat(3_000_000), bytes: new Uint8Array(1_000_000).fill(7) };
    await from.put(big);
    expect(await to.get()).toEqual(big);
    await p.join();
  });

  it("disconnects a peer without the secret, and answers it nothing", async () => {
    const q = new Queue<number>();
    await q.put(1);
    const handle = q[SHAREABLE]().state as Handle;
    const reply = await talk(handle, Buffer.concat([frame(["wrong secret", 1]), frame([1, handle.id, "get", [0]])]));
    expect(reply.length).toBe(0);
    expect(await q.qsize()).toBe(1); // nothing was taken
  });

  it("disconnects a peer that sends what is not a frame, and goes on serving", async () => {
    const q = new Queue<number>();
    const handle = q[SHAREABLE]().state as Handle;
    const garbage = Buffer.from([0, 0, 0, 3, 0xff, 0xfe, 0xfd]);
    expect((await talk(handle, garbage)).length).toBe(0);
    await q.put(2);
    expect(await q.get()).toBe(2);
  });
});
