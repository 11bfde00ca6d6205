// The synchronisation objects a broker serves: locks (plain and recursive), semaphores, events.
// A lock knows which connection holds it; when that connection ends (its child process ended) the lock
// is released, and the next acquirer is told (`AbandonedLockError`) instead of finding it held forever.
import { InvalidStateError } from "@cc/core";
import { type BrokerObject, type Call, take, waitMs } from "./_broker.ts";
import { AbandonedLockError } from "./primitive_errors.ts";

const NOBODY = -1;

/** A deferred access to something a lock guards (a `Value`'s read while another process holds the lock). */
type Access = () => void;

/** `Lock` and `RLock`. Owner: a connection (a process; 0 is the broker's own). */
export class LockObject implements BrokerObject {
  readonly #recursive: boolean;
  readonly #name: string;
  #holder = NOBODY;
  #count = 0;
  /** Set when the holder ended while holding the lock; the next acquirer is told, once. */
  #abandoned: string | undefined;
  readonly #waiters = new Set<Call>();

  constructor(recursive: boolean, name: string) {
    this.#recursive = recursive;
    this.#name = name;
  }

  call(op: string, args: unknown[], call: Call): void {
    switch (op) {
      case "acquire":
        this.#acquire(call, waitMs(args[0]));
        return;
      case "release":
        this.#release(call);
        return;
      case "locked":
        call.ok(this.#holder !== NOBODY);
        return;
      case "owned":
        call.ok(this.#holder === call.conn);
        return;
      default:
        throw new TypeError(`${this.#name} has no operation "${op}"`);
    }
  }

  /** Runs `access` now if the lock is free or held by `call`'s process, else once it is released. */
  guard(call: Call, access: Access): void {
    if (this.#holder === NOBODY || this.#holder === call.conn) {
      access();
      return;
    }
    call.data = access;
    call.wait(this.#waiters, Number.POSITIVE_INFINITY, () => {});
  }

  #acquire(call: Call, timeout: number): void {
    if (this.#holder === NOBODY) {
      if (this.#abandoned !== undefined) {
        this.#tellAbandoned(call);
        return;
      }
      this.#holder = call.conn;
      this.#count = 1;
      call.ok(true);
      return;
    }
    if (this.#recursive && this.#holder === call.conn) {
      this.#count++;
      call.ok(true);
      return;
    }
    if (timeout <= 0) {
      call.ok(false);
      return;
    }
    call.data = undefined;
    call.wait(this.#waiters, timeout, (c) => c.ok(false));
  }

  #release(call: Call): void {
    if (this.#holder === NOBODY) throw new InvalidStateError(`Cannot release an unlocked ${this.#name}`);
    if (this.#recursive) {
      if (this.#holder !== call.conn) {
        throw new InvalidStateError(`Cannot release an ${this.#name} held by another process`);
      }
      if (--this.#count > 0) {
        call.ok();
        return;
      }
    }
    this.#handOver();
    call.ok();
  }

  #tellAbandoned(call: Call): void {
    const what = this.#abandoned;
    this.#abandoned = undefined;
    call.fail(new AbandonedLockError(`${this.#name} was released because ${what} ended while holding it`));
  }

  /** The lock is free: run waiting accesses, give it to the first waiting acquirer. */
  #handOver(): void {
    this.#holder = NOBODY;
    this.#count = 0;
    for (let call = take(this.#waiters); call; call = take(this.#waiters)) {
      if (typeof call.data === "function") {
        (call.data as Access)();
        continue;
      }
      if (this.#abandoned !== undefined) {
        this.#tellAbandoned(call);
        continue;
      }
      this.#holder = call.conn;
      this.#count = 1;
      call.ok(true);
      return;
    }
  }

  disconnect(conn: number, pid: number): void {
    if (this.#holder !== conn) return;
    this.#abandoned = `process ${pid}`;
    this.#handOver();
  }
}

/** `Semaphore` and `BoundedSemaphore`. */
export class SemaphoreObject implements BrokerObject {
  #value: number;
  readonly #bound: number;
  readonly #name: string;
  readonly #waiters = new Set<Call>();

  constructor(value: number, bounded: boolean, name: string) {
    this.#value = value;
    this.#bound = bounded ? value : Number.POSITIVE_INFINITY;
    this.#name = name;
  }

  call(op: string, args: unknown[], call: Call): void {
    switch (op) {
      case "acquire": {
        const timeout = waitMs(args[0]);
        if (this.#value > 0 && this.#waiters.size === 0) {
          this.#value--;
          call.ok(true);
          return;
        }
        if (timeout <= 0) {
          call.ok(false);
          return;
        }
        call.wait(this.#waiters, timeout, (c) => c.ok(false));
        return;
      }
      case "release": {
        const n = args[0] as number;
        if (this.#value + n > this.#bound) throw new RangeError(`${this.#name} released too many times`);
        this.#value += n;
        for (
          let w = this.#value > 0 ? take(this.#waiters) : undefined;
          w;
          w = this.#value > 0 ? take(this.#waiters) : undefined
        ) {
          this.#value--;
          w.ok(true);
        }
        call.ok();
        return;
      }
      case "value":
        call.ok(this.#value);
        return;
      default:
        throw new TypeError(`${this.#name} has no operation "${op}"`);
    }
  }
}

/** `Event`. */
export class EventObject implements BrokerObject {
  #flag = false;
  readonly #waiters = new Set<Call>();

  call(op: string, args: unknown[], call: Call): void {
    switch (op) {
      case "set":
        this.#flag = true;
        for (let w = take(this.#waiters); w; w = take(this.#waiters)) w.ok(true);
        call.ok();
        return;
      case "clear":
        this.#flag = false;
        call.ok();
        return;
      case "isSet":
        call.ok(this.#flag);
        return;
      case "wait": {
        const timeout = waitMs(args[0]);
        if (this.#flag) {
          call.ok(true);
          return;
        }
        if (timeout <= 0) {
          call.ok(false);
          return;
        }
        call.wait(this.#waiters, timeout, (c) => c.ok(false));
        return;
      }
      default:
        throw new TypeError(`Event has no operation "${op}"`);
    }
  }
}
