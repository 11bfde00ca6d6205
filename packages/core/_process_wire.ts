// The wire of cc's messages to and from a child process (issue 15).
//
// The IPC channel is opened with Node's "json" serialization: for the small, plain messages of most
// calls it costs about half of what "advanced" (v8's serializer) costs per message, on each side. A
// message that JSON would not carry exactly — `undefined` or `-0` inside a value, `NaN`, a `Map`, a
// `Date`, a typed array, a `BigInt`, a class instance, a cycle, an array with named properties — or one
// too large to check cheaply is v8-serialized instead, as "advanced" would have done, so the other side
// still receives a structured clone: a small one inside the JSON message (base64), a large one as a
// frame (4-byte big-endian length, then the bytes) on a second pipe, the bulk pipe (JSON is slow for
// large values, base64 more so). On the IPC channel, a message is one of:
//
//   [tag, message]             a plain message, sent as JSON
//   [tag, message, indices]    the same, with `undefined` at these top-level indices (sent as null)
//   [tag, "<base64>"]          a small message, v8-serialized
//   [tag, 0]                   the next frame of the bulk pipe is the message (kept in order)
//
// The tag tells cc's messages from what task code sends with `process.send` (see `process_entry.ts`).
import type { Socket } from "node:net";
import { deserialize, serialize } from "node:v8";

/** Nodes (objects, arrays, elements, properties; 64 characters of a string) checked for JSON; more: v8. */
const BUDGET = 512;
/** Serialized messages up to this many bytes travel in the JSON message; larger ones on the bulk pipe. */
const INLINE_MAX = 8 * 1024;
/** The body of a message whose value is the next frame of the bulk pipe. */
const BULK = 0;
let budget = 0;

/**
 * True if JSON gives back exactly what structured clone would for `value` (a value below the top level
 * of a message). Spends `budget`; a cycle or a large value exhausts it (false: v8 carries it).
 */
function exact(value: unknown): boolean {
  switch (typeof value) {
    case "string":
      return (budget -= value.length >> 6) >= 0;
    case "boolean":
      return true;
    case "number":
      // JSON writes NaN and ±Infinity as null, and -0 as 0
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case "object": {
      if (value === null) return true;
      if (--budget < 0) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        const n = value.length;
        if ((budget -= n) < 0) return false;
        // a hole reads as undefined: not exact either
        for (let i = 0; i < n; i++) if (!exact(value[i])) return false;
        // structured clone keeps an array's named properties (a RegExp match's `index`), JSON drops them
        return Object.keys(value).length === n;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false; // class instances, Map, Date, views…
      for (const key in value) {
        if (--budget < 0 || !exact((value as Record<string, unknown>)[key])) return false;
      }
      return true;
    }
    default:
      return false; // undefined (inside a value), bigint, symbol, function
  }
}

/** `message` as a JSON message (see the module doc), or `undefined` if JSON would not be exact. */
function asJson(tag: number, message: object): unknown[] | undefined {
  budget = BUDGET;
  try {
    if (!Array.isArray(message)) return exact(message) ? [tag, message] : undefined;
    // cc's own top-level array: only its elements are checked; `undefined` there is common (a task that
    // returns nothing, a batch without definitions) and travels as an index
    let undefinedAt: number[] | undefined;
    for (let i = 0; i < message.length; i++) {
      const item: unknown = message[i];
      if (item === undefined) (undefinedAt ??= []).push(i);
      else if (!exact(item)) return undefined;
    }
    if (undefinedAt === undefined) return [tag, message];
    const copy = message.slice();
    for (const i of undefinedAt) copy[i] = null;
    return [tag, copy, undefinedAt];
  } catch {
    return undefined; // a getter threw while it was read: v8.serialize reads it again, and reports it
  }
}

/**
 * One side's sender: `post` sends a message of cc's protocol (an array or a plain object) as JSON when
 * that is exact, else v8-serialized, inline or on the bulk pipe.
 */
export class WireSender {
  readonly #tag: number;
  readonly #send: (wire: unknown[]) => void;
  readonly #bulk: Socket | undefined;
  readonly #beforeSerialize: ((message: object) => void) | undefined;
  #writing = 0;
  #whenWritten: (() => void)[] = [];
  readonly #written = (): void => {
    if (--this.#writing === 0) for (const done of this.#whenWritten.splice(0)) done();
  };

  /**
   * @param send Sends one message on the IPC channel (JSON), throwing when it cannot.
   * @param bulk The bulk pipe, for large v8-serialized messages (without it they go inline).
   * @param beforeSerialize Called with a message about to be v8-serialized; may refuse it by throwing.
   */
  constructor(
    tag: number,
    send: (wire: unknown[]) => void,
    bulk: Socket | undefined,
    beforeSerialize?: (message: object) => void,
  ) {
    this.#tag = tag;
    this.#send = send;
    this.#bulk = bulk;
    this.#beforeSerialize = beforeSerialize;
  }

  /** Sends `message`; throws what `v8.serialize` throws for a value that cannot be copied. */
  post(message: object): void {
    const json = asJson(this.#tag, message);
    if (json !== undefined) {
      this.#send(json);
      return;
    }
    this.#beforeSerialize?.(message);
    const body = serialize(message);
    const bulk = this.#bulk;
    if (body.length <= INLINE_MAX || bulk === undefined || bulk.destroyed) {
      this.#send([this.#tag, body.toString("base64")]);
      return;
    }
    this.#send([this.#tag, BULK]); // first: if the channel is closed, no frame is left without its place
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(body.length, 0);
    this.#writing++;
    bulk.cork();
    bulk.write(head);
    bulk.write(body, this.#written);
    bulk.uncork();
  }

  /** Calls `done` once every frame written so far has been handed to the system. */
  whenWritten(done: () => void): void {
    if (this.#writing === 0) done();
    else this.#whenWritten.push(done);
  }
}

const FRAME = Symbol("frame");

/** One side's receiver: gives cc's messages to `deliver` in the order they were sent. */
export class WireReceiver {
  readonly #tag: number;
  readonly #deliver: (message: unknown) => void;
  /** Messages behind a frame that has not arrived yet (FRAME stands for it). */
  #waiting: unknown[] = [];
  /** Frames that arrived before their place on the IPC channel. */
  #frames: unknown[] = [];
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(tag: number, deliver: (message: unknown) => void) {
    this.#tag = tag;
    this.#deliver = deliver;
  }

  /** True while a message waits for its frame. */
  get waiting(): boolean {
    return this.#waiting.length > 0;
  }

  /** A message of the IPC channel; one without this side's tag is not cc's, and is ignored. */
  message(wire: unknown): void {
    if (!Array.isArray(wire) || wire[0] !== this.#tag) return;
    const body: unknown = wire[1];
    let message: unknown;
    if (body === BULK) {
      if (this.#waiting.length === 0 && this.#frames.length > 0) {
        this.#deliver(this.#frames.shift());
        return;
      }
      message = FRAME;
    } else if (typeof body === "string") {
      message = deserialize(Buffer.from(body, "base64"));
    } else {
      message = body;
      if (wire.length === 3) for (const i of wire[2] as number[]) (body as unknown[])[i] = undefined;
    }
    if (this.#waiting.length === 0 && message !== FRAME) this.#deliver(message);
    else {
      this.#waiting.push(message);
      this.#drain();
    }
  }

  /** Data of the bulk pipe. */
  data(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size >= 4) {
      if ((this.#chunks[0] as Buffer).length < 4) this.#chunks = [Buffer.concat(this.#chunks, this.#size)];
      const length = (this.#chunks[0] as Buffer).readUInt32BE(0);
      if (this.#size < 4 + length) break;
      const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#size);
      this.#frames.push(deserialize(all.subarray(4, 4 + length)));
      const rest = all.subarray(4 + length);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#size = rest.length;
    }
    this.#drain();
  }

  #drain(): void {
    const waiting = this.#waiting;
    while (waiting.length > 0) {
      if (waiting[0] === FRAME) {
        if (this.#frames.length === 0) return;
        waiting.shift();
        this.#deliver(this.#frames.shift());
      } else {
        this.#deliver(waiting.shift());
      }
    }
  }
}
