import type { Socket } from "node:net";
import { deserialize, serialize } from "node:v8";
import { afterEach, describe, expect, it } from "vitest";
import { WireReceiver, WireSender } from "./_process_wire.ts";
import { spawnWorker, task, WorkerConnection } from "./mod.ts";

/** What the "advanced" channel delivered before: v8's serialization, Buffers kept as Buffers. */
const v8Copy = (value: unknown): unknown => deserialize(serialize(value));
/** What a message becomes on Node's "json" IPC channel. */
const overJson = (wire: unknown): unknown => JSON.parse(JSON.stringify(wire));

/** A sender and a receiver joined by a fake IPC channel and a fake bulk pipe, delivered by hand. */
function link(tag = 12345) {
  const ipc: unknown[] = [];
  const frames: Buffer[] = [];
  const bulk = {
    destroyed: false,
    cork() {},
    uncork() {},
    write(chunk: Buffer, done?: () => void) {
      frames.push(Buffer.from(chunk));
      done?.();
      return true;
    },
  } as unknown as Socket;
  const got: unknown[] = [];
  const sender = new WireSender(tag, (wire) => ipc.push(overJson(wire)), bulk);
  const receiver = new WireReceiver(tag, (message) => got.push(message));
  return {
    sender,
    receiver,
    ipc,
    got,
    /** Delivers the IPC messages, then the bulk pipe's bytes three at a time. */
    deliver() {
      for (const wire of ipc.splice(0)) receiver.message(wire);
      const bytes = Buffer.concat(frames.splice(0));
      for (let at = 0; at < bytes.length; at += 3) receiver.data(bytes.subarray(at, at + 3));
    },
  };
}

/** `message` after the wire, and the way it went: "json", "inline" (v8, base64) or "bulk" (v8, a frame). */
function roundTrip(message: object): { copy: unknown; way: string } {
  const l = link();
  l.sender.post(message);
  const body = (l.ipc[0] as unknown[])[1];
  const way = body === 0 ? "bulk" : typeof body === "string" ? "inline" : "json";
  l.deliver();
  expect(l.got).toHaveLength(1);
  return { copy: l.got[0], way };
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

function arrayWithProperty(): unknown[] {
  const a: unknown[] = [1, 2];
  (a as unknown as { label: string }).label = "named";
  return a;
}

function cycle(): unknown {
  const o: Record<string, unknown> = { name: "loop" };
  o.self = o;
  return o;
}

function hole(): unknown[] {
  const a: unknown[] = [1];
  a[2] = 3;
  return a;
}

function nullPrototype(): unknown {
  const o = Object.create(null) as Record<string, unknown>;
  o.a = 1;
  Object.defineProperty(o, "__proto__", { value: "own", enumerable: true, writable: true, configurable: true });
  return o;
}

// Values JSON would not give back exactly (each goes through v8), and plain ones (each goes as JSON).
const TRICKY: [string, () => unknown][] = [
  ["-0", () => -0],
  ["NaN and ±Infinity", () => [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]],
  ["undefined in an array", () => [1, undefined, 3]],
  ["a hole", () => hole()],
  ["an undefined property", () => ({ a: undefined, b: 1 })],
  ["a Map and a Set", () => ({ m: new Map<unknown, unknown>([[1, { x: 1 }]]), s: new Set(["a"]) })],
  ["a Date", () => new Date(1_700_000_000_000)],
  ["a RegExp", () => /a+b/gi],
  ["a BigInt", () => [10n ** 30n]],
  ["typed arrays and a Buffer", () => ({ f: new Float64Array([1.5, -0]), b: Buffer.from("hi"), u: new Uint8Array(3) })],
  ["an ArrayBuffer", () => new ArrayBuffer(4)],
  ["a class instance (a plain object)", () => new Point(1, 2)],
  ["a boxed string", () => [Object("boxed")]],
  ["an array with a named property", () => arrayWithProperty()],
  ["a RegExp match (index, input, groups)", () => "abcb".match(/(?<letter>b)/)],
  ["a cycle", () => cycle()],
  ["a null-prototype object with an own __proto__", () => nullPrototype()],
  ["an object with toJSON", () => ({ toJSON: 1, v: 2 })],
  ["a long array", () => Array.from({ length: 5000 }, (_, i) => i)],
  ["a long string", () => "x".repeat(100_000)],
  ["a large typed array", () => new Float64Array(50_000).fill(1.5)],
  [
    "plain values",
    () => ({ s: "line\nbreak \u2028 \ud800 é", n: [0, 1.5, -2, 2 ** 53], t: true, z: null, o: { a: [] } }),
  ],
];

describe("the process wire", () => {
  it.each(TRICKY)("gives back what v8's serialization gives for %s", (_name, make) => {
    const value = make();
    for (const message of [[7, 0, value], { k: "cancel", id: 1, reason: value }]) {
      expect(roundTrip(message).copy).toStrictEqual(v8Copy(message));
    }
  });

  it("sends plain messages as JSON, undefined at the top level as an index, small others inline, large ones in frames", () => {
    const l = link(1);
    l.sender.post([3, 0, { a: [1, "x"] }]);
    l.sender.post([undefined, 1, 2, 3, 0, 1, [5]]);
    expect(l.ipc).toEqual([
      [1, [3, 0, { a: [1, "x"] }]],
      [1, [null, 1, 2, 3, 0, 1, [5]], [0]],
    ]);
    expect(roundTrip([3, 0, new Map()]).way).toBe("inline");
    expect(roundTrip([3, 0, [undefined]]).way).toBe("inline");
    expect(roundTrip({ k: "x", v: -0 }).way).toBe("inline");
    expect(roundTrip([3, 0, "x".repeat(20_000)]).way).toBe("json");
    expect(roundTrip([3, 0, "x".repeat(100_000)]).way).toBe("bulk");
    expect(roundTrip([3, 0, new Uint8Array(100_000)]).way).toBe("bulk");
  });

  it("keeps messages in order when a frame arrives after the messages behind it", () => {
    const l = link();
    const big = new Uint8Array(100_000).fill(7);
    l.sender.post([1, 0, "before"]);
    l.sender.post([2, 0, big]);
    l.sender.post([3, 0, "after"]);
    l.sender.post([4, 0, big]);
    l.sender.post([5, 0, "last"]);
    for (const wire of l.ipc.splice(0)) l.receiver.message(wire); // the frames have not arrived
    expect(l.got).toEqual([[1, 0, "before"]]);
    expect(l.receiver.waiting).toBe(true);
    l.deliver();
    expect(l.got.map((m) => (m as unknown[])[0])).toEqual([1, 2, 3, 4, 5]);
    expect((l.got[3] as unknown[])[2]).toStrictEqual(big);
    expect(l.receiver.waiting).toBe(false);
  });

  it("throws what v8 throws for a value no channel can carry, after the caller's own check", () => {
    expect(() => link().sender.post([3, 0, () => 1])).toThrow(/could not be cloned/);
    const refusing = new WireSender(
      1,
      () => {},
      undefined,
      () => {
        throw new TypeError("refused");
      },
    );
    expect(() => refusing.post([3, 0, new Map()])).toThrow("refused");
  });

  it("reads a getter that throws once more in v8, which reports it", () => {
    const value = {
      get secret(): string {
        throw new Error("no copy for you");
      },
    };
    expect(() => link().sender.post([3, 0, value])).toThrow("no copy for you");
  });

  it("takes only messages with its tag", () => {
    const l = link(5);
    l.receiver.message([6, [1, 0, "spoofed"]]);
    l.receiver.message([1, 0, "spoofed"]);
    l.receiver.message({ k: "fatal" });
    l.receiver.message([5, [1, 0, "real"]]);
    expect(l.got).toEqual([[1, 0, "real"]]);
  });
});

describe("values to and from a child process", () => {
  const open: WorkerConnection[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.terminate()));
  });

  it("arrive as v8's serialization gives them, both ways, whichever way each message travels", async () => {
    const c = new WorkerConnection(spawnWorker({ kind: "process" }));
    open.push(c);
    const echo = task<(value: unknown) => unknown>(new URL("./testdata/tasks.ts", import.meta.url), "echo");
    const values = [...TRICKY.map(([, make]) => make()), new Float64Array(1 << 18).fill(2.5)];
    // one at a time (each its own message) and all together (one message, v8 for the whole batch)
    for (const value of values) expect(await c.run(echo, [value])).toStrictEqual(v8Copy(value));
    const together = await Promise.all(values.map((value) => c.run(echo, [value])));
    expect(together).toStrictEqual(values.map(v8Copy));
    expect(await c.run(echo, [undefined])).toBeUndefined();
  });

  it("delivers large results sent right before the child exits (it writes their frames before it exits)", async () => {
    const c = new WorkerConnection(spawnWorker({ kind: "process" }));
    open.push(c);
    const echo = task<(value: unknown) => unknown>(new URL("./testdata/tasks.ts", import.meta.url), "echo");
    const big = new Float64Array(1 << 19).fill(0.5);
    const results = [c.run(echo, [big]), c.run(echo, ["small"]), c.run(echo, [big])];
    const exit = c.close(); // the child answers all three, then exits
    expect(await Promise.all(results)).toStrictEqual([big, "small", big]);
    expect((await exit).code).toBe(0);
  });
});
