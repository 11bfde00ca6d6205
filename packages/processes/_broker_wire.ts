// The wire between a child process and the broker of the process that made a primitive: frames of a
// 4-byte big-endian length and a `v8.serialize` body (what the IPC channel's "advanced" serialization
// writes, so the same values cross). Frames written in one tick leave in one `writev` (cork/uncork).
import type { Socket } from "node:net";
import { deserialize, serialize } from "node:v8";
import { InvalidStateError } from "@cc/core";
import {
  AbandonedLockError,
  BrokenBarrierError,
  BrokenPipeError,
  EOFError,
  QueueEmpty,
  QueueFull,
} from "./primitive_errors.ts";

/** Client → broker: the first frame, the broker's secret (a handle carries it) and the client's pid. */
export type Hello = [token: string, pid: number];
/** Client → broker: a call (`op` on object `id`) or the cancellation of request `id` (`op` = `CANCEL`). */
export type Request = [req: number, id: number, op: string, args: unknown[]];
/** Broker → client: `[req, status, value]`. */
export type Reply = [req: number, status: number, value: unknown];

/** Reply status: done, `value` is the result. */
export const OK = 0;
/** Reply status: failed, `value` is an encoded error. */
export const FAILED = 1;
/** Reply status: the call was cancelled before it took effect. */
export const CANCELLED = 2;
/** The `op` of a request that cancels the waiting request `id`. */
export const CANCEL = "cancel";

/** Writes one frame; frames of one tick leave together. */
export function writeFrame(socket: Socket, message: unknown): void {
  const body = serialize(message);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  if (!socket.writableCorked) {
    socket.cork();
    process.nextTick(uncork, socket);
  }
  socket.write(head);
  socket.write(body);
}

function uncork(socket: Socket): void {
  socket.uncork();
}

/**
 * Calls `onFrame` with each message that arrives on `socket`. A frame that cannot be read (a peer that
 * does not speak this protocol) destroys the socket rather than throwing in the event loop.
 */
export function readFrames(socket: Socket, onFrame: (message: unknown) => void): void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  let need = 4; // bytes needed before the next step: a length, then a body
  socket.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    if (buffered < need) return; // a large frame's chunks are joined once, when all have come
    let data = chunks.length === 1 ? chunk : Buffer.concat(chunks, buffered);
    let at = 0;
    try {
      while (data.length - at >= 4) {
        const length = data.readUInt32BE(at);
        if (data.length - at - 4 < length) {
          need = 4 + length;
          break;
        }
        const body = data.subarray(at + 4, at + 4 + length);
        at += 4 + length;
        need = 4;
        onFrame(deserialize(body));
      }
    } catch (error) {
      socket.destroy(error as Error);
      return;
    }
    data = data.subarray(at);
    chunks = data.length > 0 ? [data] : [];
    buffered = data.length;
  });
}

const CLASSES: Record<string, new (message: string) => Error> = {
  QueueEmpty,
  QueueFull,
  AbandonedLockError,
  BrokenBarrierError,
  EOFError,
  BrokenPipeError,
  InvalidStateError,
  RangeError,
  TypeError,
};

/** An error as it crosses: its class name and message. */
export function encodeError(error: unknown): [string, string] {
  if (error instanceof Error) return [error.name, error.message];
  return ["Error", String(error)];
}

/** The error of an encoded one, of the same class when it is one of the primitives'. */
export function decodeError(encoded: unknown): Error {
  const [name, message] = Array.isArray(encoded) ? (encoded as [string, string]) : ["Error", String(encoded)];
  const Class = CLASSES[name];
  if (Class) return new Class(message);
  const error = new Error(message);
  error.name = name;
  return error;
}
