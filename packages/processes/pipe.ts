/**
 * {@linkcode Pipe} and {@linkcode PipeConnection}: Python's `multiprocessing.Pipe` and its
 * `Connection` objects, two ends usable by the process that makes them and its child processes.
 *
 * @module
 */

import { attach, BrokerProxy, HANDLE, type Handle, invoke, registerKind, serve } from "./_broker_client.ts";
import { PipeObject } from "./_broker_data.ts";
import { timeoutOf, type WaitOptions } from "./wait_options.ts";

/** Options of {@linkcode Pipe}. */
export interface PipeOptions {
  /**
   * Both ends send and receive (Python's `duplex=True`); when `false`, the first end only receives and
   * the second only sends.
   *
   * @default {true}
   */
  duplex?: boolean;
}

/** Options of {@linkcode PipeConnection.recv}. */
export interface RecvOptions {
  /**
   * Stop waiting when this signal aborts; the promise rejects with `signal.reason`.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

interface Meta {
  readonly end: 0 | 1;
  readonly duplex: boolean;
}

function meta(c: PipeConnection): Meta {
  return c[HANDLE].meta as Meta;
}

/**
 * One end of a {@linkcode Pipe} (Python's `multiprocessing.connection.Connection`): what one end
 * sends, the other receives, in order. Messages are copied with structured clone.
 *
 * An end is one object whichever process holds a copy: `close()` closes it for every process (in
 * Python each process closes its own copy). After the other end is closed, `recv()` returns what is
 * left, then throws `EOFError`; `send()` throws `BrokenPipeError`. An end that only child processes
 * used is closed when the last of them ends, as the OS closes a dead process's pipe handles.
 *
 * @example
 * ```ts
 * import { Pipe } from "@cc/processes";
 * const [a, b] = Pipe();
 * await a.send({ hello: "world" });
 * console.assert(await b.poll());
 * console.assert((await b.recv<{ hello: string }>()).hello === "world");
 * ```
 */
export class PipeConnection extends BrokerProxy {
  /** @internal Use {@linkcode Pipe}. */
  constructor(handle: Handle) {
    super();
    attach(this, handle);
  }

  /**
   * Whether this end can receive (Python's `readable`).
   *
   * @example
   * ```ts
   * import { Pipe } from "@cc/processes";
   * const [r, w] = Pipe({ duplex: false });
   * console.assert(r.readable && !r.writable && w.writable && !w.readable);
   * ```
   */
  get readable(): boolean {
    const { end, duplex } = meta(this);
    return duplex || end === 0;
  }

  /**
   * Whether this end can send (Python's `writable`).
   *
   * @example
   * ```ts
   * import { Pipe } from "@cc/processes";
   * const [a, b] = Pipe();
   * console.assert(a.writable && b.writable);
   * ```
   */
  get writable(): boolean {
    const { end, duplex } = meta(this);
    return duplex || end === 1;
  }

  /**
   * Sends a message to the other end (Python's `send`).
   *
   * @param message The message (copied with structured clone).
   * @returns Once the message is on its way (it waits in the other end until received).
   * @throws {BrokenPipeError} If the other end is closed.
   * @throws {InvalidStateError} If this end is closed or only receives.
   *
   * @example
   * ```ts
   * import { Pipe } from "@cc/processes";
   * const [a, b] = Pipe();
   * await a.send(1);
   * await a.send(2);
   * console.assert((await b.recv()) === 1 && (await b.recv()) === 2);
   * ```
   */
  send(message: unknown): Promise<void> {
    const { end } = meta(this);
    return invoke(this[HANDLE], "send", [end, message]) as Promise<void>;
  }

  /**
   * Receives the next message, waiting until one comes (Python's `recv`).
   *
   * @typeParam T The message type.
   * @param options An abort signal.
   * @returns The message.
   * @throws {EOFError} If nothing is left and the other end is closed.
   * @throws {InvalidStateError} If this end is closed or only sends.
   *
   * @example
   * ```ts
   * import { Pipe } from "@cc/processes";
   * const [a, b] = Pipe();
   * const got = b.recv<string>();
   * await a.send("hi");
   * console.assert((await got) === "hi");
   * ```
   */
  recv<T = unknown>(options: RecvOptions = {}): Promise<T> {
    const { end } = meta(this);
    return invoke(this[HANDLE], "recv", [end], options.signal) as Promise<T>;
  }

  /**
   * Whether a message can be received without waiting — or `recv` would throw `EOFError` at once —
   * waiting up to `timeout` ms for it (Python's `poll(timeout)`: 0 by default, `Infinity` for ever).
   *
   * @param options Timeout (ms, default 0) and abort signal.
   * @returns `true` if `recv` would not wait.
   *
   * @example
   * ```ts
   * import { Pipe } from "@cc/processes";
   * const [a, b] = Pipe();
   * console.assert(!(await b.poll()));
   * console.assert(!(await b.poll({ timeout: 10 })));
   * await a.send(0);
   * console.assert(await b.poll());
   * ```
   */
  poll(options?: WaitOptions): Promise<boolean> {
    const { end } = meta(this);
    const timeout = timeoutOf(options ?? { timeout: 0 });
    return invoke(this[HANDLE], "poll", [end, timeout], options?.signal) as Promise<boolean>;
  }

  /**
   * Closes this end for every process (Python's `close`, see the class doc). Idempotent.
   *
   * @returns Once closed.
   *
   * @example
   * ```ts
   * import { Pipe } from "@cc/processes";
   * const [a] = Pipe();
   * await a.close();
   * console.assert(await a.isClosed());
   * ```
   */
  close(): Promise<void> {
    const { end } = meta(this);
    return invoke(this[HANDLE], "close", [end]) as Promise<void>;
  }

  /**
   * Whether this end is closed (Python's `closed`).
   *
   * @returns `true` once closed.
   *
   * @example
   * ```ts
   * import { Pipe } from "@cc/processes";
   * console.assert(!(await Pipe()[0].isClosed()));
   * ```
   */
  isClosed(): Promise<boolean> {
    const { end } = meta(this);
    return invoke(this[HANDLE], "closed", [end]) as Promise<boolean>;
  }
}

/**
 * Makes a pipe and returns its two ends (Python's `multiprocessing.Pipe(duplex)`); pass either end to
 * a child process. With `duplex: false`, the first end only receives and the second only sends.
 *
 * @param options `duplex`.
 * @returns The two ends.
 *
 * @example Duplex
 * ```ts
 * import { Pipe } from "@cc/processes";
 * const [parent, child] = Pipe();
 * await child.send("ping");
 * console.assert((await parent.recv()) === "ping");
 * await parent.send("pong");
 * console.assert((await child.recv()) === "pong");
 * ```
 *
 * @example One-way
 * ```ts
 * import { Pipe } from "@cc/processes";
 * const [reader, writer] = Pipe({ duplex: false });
 * await writer.send(42);
 * console.assert((await reader.recv()) === 42);
 * ```
 */
export function Pipe(options: PipeOptions = {}): [PipeConnection, PipeConnection] {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const { duplex = true } = options;
  if (typeof duplex !== "boolean") throw new TypeError(`duplex must be a boolean, got ${typeof duplex}`);
  const first = serve("PipeConnection", new PipeObject(duplex), { end: 0, duplex } satisfies Meta);
  const second: Handle = { ...first, meta: { end: 1, duplex } satisfies Meta };
  return [new PipeConnection(first), new PipeConnection(second)];
}

registerKind("PipeConnection", import.meta.url, PipeConnection);
