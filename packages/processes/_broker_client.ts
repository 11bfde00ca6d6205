// A primitive's handle and how a call on it reaches its broker: in-process when this process made the
// primitive, else over one socket per broker (made on first use), which keeps this process alive only
// while a call waits on it.
import { connect, type Socket } from "node:net";
import { deserialize, serialize } from "node:v8";
import { SHAREABLE, type Shareable, type SharedHandle } from "@cc/core";
import type { BrokerObject } from "./_broker.ts";
import { existingBroker, localBroker } from "./_broker.ts";
import { CANCEL, CANCELLED, decodeError, OK, readFrames, writeFrame } from "./_broker_wire.ts";
import { decodeNested, encodeNested } from "./_nested.ts";

/** What a primitive is, wherever it is: its broker's address and secret, its id and kind. */
export interface Handle {
  readonly address: string;
  readonly token: string;
  /** The process that made it (its broker). */
  readonly pid: number;
  readonly id: number;
  readonly kind: string;
  /** What the kind needs besides (a pipe's end, a value's typecode and lock). */
  readonly meta?: unknown;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

class BrokerClient {
  readonly #socket: Socket;
  readonly #pending = new Map<number, Pending>();
  readonly #owner: string;
  #next = 0;
  #error: Error | undefined;

  constructor(handle: Handle) {
    this.#owner = `process ${handle.pid}`;
    const socket = connect(handle.address);
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.unref();
    writeFrame(socket, [handle.token, process.pid]);
    readFrames(socket, (message) => this.#reply(message as [number, number, unknown]));
    socket.on("error", (error) => this.#end(error));
    socket.on("close", () => this.#end(undefined));
  }

  call(id: number, op: string, args: unknown[], signal: AbortSignal | undefined): Promise<unknown> {
    if (this.#error) return Promise.reject(this.#error);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const req = ++this.#next;
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        // the broker says whether the call was cancelled before it took effect, or its answer comes
        pending.onAbort = () => writeFrame(this.#socket, [0, req, CANCEL, []]);
        signal.addEventListener("abort", pending.onAbort, { once: true });
      }
      try {
        writeFrame(this.#socket, [req, id, op, args]); // serializes first: on failure nothing is sent
      } catch (error) {
        if (pending.onAbort) signal?.removeEventListener("abort", pending.onAbort);
        reject(uncloneable(error));
        return;
      }
      if (this.#pending.size === 0) this.#socket.ref();
      this.#pending.set(req, pending);
    });
  }

  #settled(req: number): Pending | undefined {
    const pending = this.#pending.get(req);
    if (!pending) return undefined;
    this.#pending.delete(req);
    if (this.#pending.size === 0) this.#socket.unref();
    if (pending.onAbort) pending.signal?.removeEventListener("abort", pending.onAbort);
    return pending;
  }

  #reply([req, status, value]: [number, number, unknown]): void {
    const pending = this.#settled(req);
    if (!pending) return;
    if (status === OK) pending.resolve(decodeNested(value));
    else if (status === CANCELLED) pending.reject(pending.signal?.reason);
    else pending.reject(decodeError(value));
  }

  #end(cause: Error | undefined): void {
    if (this.#error) return;
    this.#error = new Error(`the ${this.#owner} that made this shared object has ended or cannot be reached`, {
      cause,
    });
    for (const req of [...this.#pending.keys()]) this.#settled(req)?.reject(this.#error);
    this.#socket.destroy();
  }
}

const clients = new Map<string, BrokerClient>();

function uncloneable(error: unknown): TypeError {
  return new TypeError(`cannot share this value with another process: ${(error as Error).message}`, { cause: error });
}

/** A structured-clone copy, as `v8.serialize` writes it (what crosses to a child process). */
export function copy<T>(value: T): T {
  return deserialize(serialize(value)) as T;
}

/**
 * Runs `op` on the object of `handle`. Arguments and results are copied, in-process too (as they are
 * between processes), so an object put on a queue and changed afterwards is not changed in the queue.
 */
export function invoke(handle: Handle, op: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
  const broker = existingBroker();
  if (broker?.address === handle.address) {
    let copied: unknown[];
    try {
      copied = copy(encodeNested(args));
    } catch (error) {
      return Promise.reject(uncloneable(error));
    }
    return broker.local(handle.id, op, copied, signal).then((value) => decodeNested(copy(value)));
  }
  let client = clients.get(handle.address);
  if (!client) {
    client = new BrokerClient(handle);
    clients.set(handle.address, client);
  }
  return client.call(handle.id, op, encodeNested(args), signal);
}

/** Where a handle is kept on its proxy (not enumerable: a proxy structured-clones to `{}`). */
export const HANDLE: unique symbol = Symbol.for("cc.processes.handle") as never;

interface KindInfo {
  readonly url: string;
  readonly name: string;
  readonly Class: { prototype: object };
}

const kinds = new Map<string, KindInfo>();

/** Says which module and export rebuild a kind of proxy in another process. */
export function registerKind(kind: string, url: string, Class: { prototype: object; name: string }): void {
  kinds.set(kind, { url, name: Class.name, Class });
}

/** Makes `object` on this process's broker and returns its handle. */
export function serve(kind: string, object: BrokerObject, meta?: unknown): Handle {
  const broker = localBroker();
  const id = broker.add(object);
  return { address: broker.address, token: broker.token, pid: process.pid, id, kind, meta };
}

let primitivesSeen = false;

/** Whether this process has made or received any primitive (until then no argument can hold one). */
export function anyPrimitive(): boolean {
  return primitivesSeen;
}

/** Attaches a handle to a proxy object. */
export function attach<P extends object>(proxy: P, handle: Handle): P {
  primitivesSeen = true;
  Object.defineProperty(proxy, HANDLE, { value: handle, enumerable: false });
  return proxy;
}

/** A proxy of `kind`'s class over `handle`, its constructor not run. */
export function proxyOf<P extends object>(handle: Handle): P {
  const info = kinds.get(handle.kind);
  if (!info) throw new TypeError(`unknown kind of shared object "${handle.kind}"`);
  return attach(Object.create(info.Class.prototype) as P, handle);
}

/** True if `value` is a handle (a structured clone of one is). */
export function isHandle(value: unknown): value is Handle {
  const h = value as Handle;
  return (
    typeof h === "object" &&
    h !== null &&
    typeof h.address === "string" &&
    typeof h.token === "string" &&
    typeof h.id === "number" &&
    typeof h.kind === "string"
  );
}

/** The handle of a proxy, or `undefined`. */
export function handleOf(value: unknown): Handle | undefined {
  return typeof value === "object" && value !== null ? (value as { [HANDLE]?: Handle })[HANDLE] : undefined;
}

/**
 * The base of every cross-process primitive: it crosses to a child process as its handle (it is
 * `Shareable`) and is rebuilt there by `fromShared`, talking to the same broker.
 */
export abstract class BrokerProxy implements Shareable {
  /** @internal The primitive's handle. */
  declare readonly [HANDLE]: Handle;

  /**
   * Rebuilds a primitive in this process from the `state` of its shared handle (cc's worker runtime
   * calls it when a primitive arrives as a task's argument).
   *
   * @param state The `state` of a primitive's `[SHAREABLE]()` handle.
   * @returns The same kind of primitive, working on the same object.
   * @throws {TypeError} If `state` is not a primitive's handle.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Queue } from "@cc/processes";
   * const q = new Queue<number>();
   * const copy = Queue.fromShared(structuredClone(q[SHAREABLE]().state));
   * await q.put(1);
   * console.assert((await copy.get()) === 1);
   * ```
   */
  static fromShared<P extends object>(this: { prototype: P; name: string }, state: unknown): P {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the runtime rebuilds
    if (!isHandle(state)) throw new TypeError(`${this.name}.fromShared: not the handle of a shared object`);
    // biome-ignore lint/complexity/noThisInStatic: as above
    return attach(Object.create(this.prototype) as P, state);
  }

  /**
   * How the primitive crosses to another process or thread: its handle (see `Shareable` in
   * `@cc/core`). Called by cc when the primitive is passed to a task; it starts this process's broker
   * listening if the primitive was made here.
   *
   * @returns The module and export that rebuild it, and its handle as `state`.
   *
   * @example
   * ```ts
   * import { SHAREABLE } from "@cc/core";
   * import { Event } from "@cc/processes";
   * console.assert(new Event()[SHAREABLE]().name === "Event");
   * ```
   */
  [SHAREABLE](): SharedHandle {
    const handle = this[HANDLE];
    const broker = existingBroker();
    if (broker?.address === handle.address) broker.listen();
    const info = kinds.get(handle.kind);
    if (!info) throw new TypeError(`unknown kind of shared object "${handle.kind}"`);
    return { url: info.url, name: info.name, state: handle };
  }

  /** For `console.log`: the kind, id and owning process, not the secret. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    const h = this[HANDLE];
    return `${this.constructor.name} { id: ${h.id}, pid: ${h.pid} }`;
  }
}
