// The broker: the process that makes a primitive (a Queue, a Lock…) keeps its state and serves it —
// in-process to its own code, and over a local socket (a Unix socket; a named pipe on Windows) to the
// child processes it hands the primitive to, as Python's Manager serves proxies from its server
// process. A primitive travels as a handle (the broker's address and secret, the object's id); the
// child connects on first use. The broker sees a child's socket close when the child ends, which is
// how a Lock held by a killed child is released (see `_broker_sync.ts`).
//
//   host code ──in-process──► Broker ◄──socket── child A (Queue.put)
//                                    ◄──socket── child B (Queue.get)
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CANCEL, CANCELLED, encodeError, FAILED, OK, readFrames, writeFrame } from "./_broker_wire.ts";

/** One call to a broker object, from host code or from a child; settled exactly once. */
export class Call {
  /** The caller: 0 for the broker's own process, else the connection of a child. */
  readonly conn: number;
  done = false;
  /** True once dropped because its caller's process ended while it waited. */
  dropped = false;
  /** What a waiting call carries (a queued item, a deferred access). */
  data: unknown;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #list: Set<Call> | undefined;
  readonly #send: (status: number, value: unknown) => void;

  constructor(conn: number, send: (status: number, value: unknown) => void) {
    this.conn = conn;
    this.#send = send;
  }

  ok(value?: unknown): void {
    if (this.#finish()) this.#send(OK, value);
  }
  fail(error: unknown): void {
    if (this.#finish()) this.#send(FAILED, error);
  }
  /** Cancelled by its caller: it took no effect. */
  cancel(): void {
    if (this.#finish()) this.#send(CANCELLED, undefined);
  }
  /** Its caller is gone: forget it without a word. */
  drop(): void {
    if (this.#finish()) this.dropped = true;
  }

  /** Waits in `list` (FIFO) until someone settles it, or `timeout` ms pass (then `onTimeout`). */
  wait(list: Set<Call>, timeout: number, onTimeout: (call: Call) => void): void {
    list.add(this);
    this.#list = list;
    if (timeout !== Number.POSITIVE_INFINITY) {
      this.#timer = setTimeout(
        () => {
          this.#list?.delete(this);
          this.#list = undefined;
          onTimeout(this);
        },
        Math.min(timeout, 2 ** 31 - 1),
      );
      // a child's wait must not keep this process alive; the process's own wait does (it awaits it)
      if (this.conn !== 0) this.#timer.unref();
    }
  }

  /** Taken out of its list by whoever will settle it or make it wait again: its timeout no longer runs. */
  unwait(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#list = undefined;
  }

  #finish(): boolean {
    if (this.done) return false;
    this.done = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#list?.delete(this);
    this.#list = undefined;
    return true;
  }
}

/** Takes the longest-waiting call of `list`, or `undefined`. */
export function take(list: Set<Call>): Call | undefined {
  for (const call of list) {
    list.delete(call);
    call.unwait();
    return call;
  }
  return undefined;
}

/** A timeout option as the broker takes it: milliseconds, `Infinity` to wait for ever. */
export function waitMs(timeout: unknown): number {
  if (timeout === undefined || timeout === null) return Number.POSITIVE_INFINITY;
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`);
  }
  return Math.max(0, timeout);
}

/** An object a broker serves. */
export interface BrokerObject {
  /** Runs `op`, settling `call` now or later. Throwing fails the call. */
  call(op: string, args: unknown[], call: Call): void;
  /** The connection `conn` ended (its child process ended). */
  disconnect?(conn: number, pid: number): void;
}

interface Peer {
  readonly pid: number;
  readonly calls: Map<number, Call>;
}

const STALE_PREFIX = "cc-broker-";

/**
 * Removes the socket folders of brokers whose process has ended (killed by a signal, a process does
 * not run its exit handlers): best effort, on the systems where a broker's socket is a file.
 */
function sweepStaleFolders(): void {
  try {
    for (const entry of readdirSync(tmpdir())) {
      const pid = Number(/^cc-broker-(\d+)-/.exec(entry)?.[1]);
      if (!pid || pid === process.pid) continue;
      try {
        process.kill(pid, 0);
      } catch (error) {
        if ((error as { code?: string }).code === "ESRCH")
          rmSync(join(tmpdir(), entry), { recursive: true, force: true });
      }
    }
  } catch {
    // a folder we cannot read or remove is left as it is
  }
}

/** The broker of this process: made on first use. */
export class Broker {
  /** Where children connect: an abstract Unix socket (Linux), a socket file (other Unix), a named pipe (Windows). */
  readonly address: string;
  /** The secret a child presents first (the handles carry it; the socket's folder is private too). */
  readonly token = randomBytes(16).toString("hex");
  readonly #objects = new Map<number, BrokerObject>();
  readonly #owning = new Set<BrokerObject>();
  readonly #peers = new Map<number, Peer>();
  readonly #dir: string | undefined;
  #nextId = 0;
  #nextConn = 0;
  #server: Server | undefined;

  constructor() {
    const name = `cc-broker-${process.pid}-${randomBytes(8).toString("hex")}`;
    if (process.platform === "win32") {
      this.address = `\\\\.\\pipe\\${name}`;
    } else if (process.platform === "linux") {
      // Linux's abstract namespace: no file to leave behind when this process is killed (the secret
      // keeps other processes out, as a private folder does elsewhere)
      this.address = `\0${name}`;
    } else {
      sweepStaleFolders();
      this.#dir = mkdtempSync(join(tmpdir(), `${STALE_PREFIX}${process.pid}-`));
      this.address = join(this.#dir, "broker.sock");
      const dir = this.#dir;
      process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    }
  }

  /** Serves `object`; returns its id. */
  add(object: BrokerObject): number {
    const id = ++this.#nextId;
    this.#objects.set(id, object);
    if (object.disconnect) this.#owning.add(object);
    return id;
  }

  /** The object of an id, if this broker serves it. */
  object(id: number): BrokerObject | undefined {
    return this.#objects.get(id);
  }

  /** Stops serving an object (a Manager's objects on shutdown). */
  remove(id: number): void {
    const object = this.#objects.get(id);
    if (object) this.#owning.delete(object);
    this.#objects.delete(id);
  }

  /** Starts listening, once: synchronously, so a child started next can connect at once. */
  listen(): void {
    if (this.#server) return;
    const server = createServer((socket) => this.#accept(socket));
    server.on("error", (error) => process.emitWarning(`cc broker: ${error.message}`));
    server.listen(this.address); // binds now (the "listening" event comes later)
    server.unref();
    this.#server = server;
  }

  /** A call from this process's own code. */
  local(id: number, op: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => call.cancel();
      const call = new Call(0, (status, value) => {
        signal?.removeEventListener("abort", onAbort);
        if (status === OK) resolve(value);
        else if (status === CANCELLED) reject(signal?.reason);
        else reject(value);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#run(id, op, args, call);
    });
  }

  #run(id: number, op: string, args: unknown[], call: Call): void {
    const object = this.#objects.get(id);
    if (!object) {
      call.fail(new ReferenceError(`no shared object ${id} in process ${process.pid} (was its manager shut down?)`));
      return;
    }
    try {
      object.call(op, args, call);
    } catch (error) {
      call.fail(error);
    }
  }

  #accept(socket: Socket): void {
    socket.unref();
    socket.setNoDelay(true);
    const conn = ++this.#nextConn;
    let peer: Peer | undefined;
    readFrames(socket, (message) => {
      if (!peer) {
        const [token, pid] = message as [unknown, unknown];
        if (token !== this.token || typeof pid !== "number") {
          socket.destroy();
          return;
        }
        peer = { pid, calls: new Map() };
        this.#peers.set(conn, peer);
        return;
      }
      const [req, id, op, args] = message as [number, number, string, unknown[]];
      if (op === CANCEL) {
        peer.calls.get(id)?.cancel();
        return;
      }
      const calls = peer.calls;
      const call = new Call(conn, (status, value) => {
        calls.delete(req);
        if (!socket.destroyed) writeFrame(socket, [req, status, status === FAILED ? encodeError(value) : value]);
      });
      calls.set(req, call);
      this.#run(id, op, args, call);
    });
    socket.on("error", () => {}); // the close below does the work
    socket.on("close", () => {
      if (!peer) return;
      this.#peers.delete(conn);
      for (const call of peer.calls.values()) call.drop();
      for (const object of this.#owning) object.disconnect?.(conn, peer.pid);
    });
  }
}

let broker: Broker | undefined;

/** This process's broker (made on first use). */
export function localBroker(): Broker {
  broker ??= new Broker();
  return broker;
}

/** This process's broker if it has one. */
export function existingBroker(): Broker | undefined {
  return broker;
}
