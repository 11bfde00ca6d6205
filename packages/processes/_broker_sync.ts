// The synchronisation objects a broker serves: locks (plain and recursive), semaphores, events.
// A lock knows which connection holds it; when that connection ends (its child process ended) the lock
// is released, and the next acquirer is told (`AbandonedLockError`) instead of finding it held forever.
import { InvalidStateError } from "@cc/core";
import { type BrokerObject, type Call, take, waitMs } from "./_broker.ts";
import { AbandonedLockError, BrokenBarrierError } from "./primitive_errors.ts";

const NOBODY = -1;

/** A deferred access to something a lock guards (a `Value`'s read while another process holds the lock). */
type Access = () => void;

/** What a `Condition.wait` waiting to take its lock back carries: its recursion count and its answer. */
class Reacquire {
  constructor(
    readonly count: number,
    readonly result: boolean,
  ) {}
}

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
      if (call.data instanceof Reacquire) {
        this.#count = call.data.count;
        call.ok(call.data.result);
      } else {
        this.#count = 1;
        call.ok(true);
      }
      return;
    }
  }

  /** Whether `conn` holds the lock. */
  heldBy(conn: number): boolean {
    return this.#holder === conn;
  }

  /** Releases the lock however many times its holder took it (a `Condition.wait`); returns that count. */
  releaseAll(): number {
    const count = this.#count;
    this.#handOver();
    return count;
  }

  /** Gives the lock back to `call`'s process with `count`, now or in turn; then answers `result`. */
  reacquire(call: Call, count: number, result: boolean): void {
    call.data = new Reacquire(count, result);
    if (this.#holder === NOBODY && this.#abandoned === undefined && this.#waiters.size === 0) {
      this.#holder = call.conn;
      this.#count = count;
      call.ok(result);
      return;
    }
    call.wait(this.#waiters, Number.POSITIVE_INFINITY, () => {});
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

/** `Condition`: waiters released by `notify`, each taking the lock back before it returns. */
export class ConditionObject implements BrokerObject {
  readonly #lock: LockObject;
  readonly #waiters = new Set<Call>();

  constructor(lock: LockObject) {
    this.#lock = lock;
  }

  call(op: string, args: unknown[], call: Call): void {
    switch (op) {
      case "acquire":
      case "release":
      case "locked":
        this.#lock.call(op, args, call);
        return;
      case "wait": {
        if (!this.#lock.heldBy(call.conn))
          throw new InvalidStateError("Cannot wait on a Condition without holding its lock");
        const timeout = waitMs(args[0]);
        const count = this.#lock.releaseAll();
        call.data = count;
        call.wait(this.#waiters, timeout, (c) => this.#lock.reacquire(c, count, false));
        return;
      }
      case "notify": {
        if (!this.#lock.heldBy(call.conn))
          throw new InvalidStateError("Cannot notify a Condition without holding its lock");
        let n = args[0] === undefined ? 1 : (args[0] as number);
        for (let w = n > 0 ? take(this.#waiters) : undefined; w; w = --n > 0 ? take(this.#waiters) : undefined) {
          this.#lock.reacquire(w, w.data as number, true);
        }
        call.ok();
        return;
      }
      default:
        throw new TypeError(`Condition has no operation "${op}"`);
    }
  }
}

/** `Barrier`: `parties` waiters are released together; a timeout, `abort()` or a dead waiter breaks it. */
export class BarrierObject implements BrokerObject {
  readonly #parties: number;
  readonly #waiters = new Set<Call>();
  /** The processes of the calls waiting now (a waiter that ends breaks the barrier). */
  readonly #conns = new Map<Call, number>();
  #broken = false;

  constructor(parties: number) {
    this.#parties = parties;
  }

  call(op: string, args: unknown[], call: Call): void {
    switch (op) {
      case "wait": {
        if (this.#broken) throw new BrokenBarrierError("The barrier is broken");
        const index = this.#waiters.size;
        if (index + 1 === this.#parties) {
          let i = 0;
          for (let w = take(this.#waiters); w; w = take(this.#waiters)) w.ok(i++);
          this.#conns.clear();
          call.ok(index);
          return;
        }
        const timeout = waitMs(args[0]);
        for (const waiting of this.#conns.keys()) if (waiting.done) this.#conns.delete(waiting);
        this.#conns.set(call, call.conn);
        call.wait(this.#waiters, timeout, (c) => {
          this.#conns.delete(c);
          this.#break();
          c.fail(new BrokenBarrierError("The barrier broke: a wait timed out"));
        });
        return;
      }
      case "abort":
        this.#break();
        call.ok();
        return;
      case "reset":
        this.#break();
        this.#broken = false;
        call.ok();
        return;
      case "state":
        call.ok([this.#waiters.size, this.#broken]);
        return;
      default:
        throw new TypeError(`Barrier has no operation "${op}"`);
    }
  }

  #break(): void {
    this.#broken = true;
    this.#conns.clear();
    for (let w = take(this.#waiters); w; w = take(this.#waiters))
      w.fail(new BrokenBarrierError("The barrier is broken"));
  }

  disconnect(conn: number): void {
    for (const [call, c] of this.#conns) {
      if (c === conn && call.dropped) {
        this.#break(); // it can never arrive: the others would wait for ever
        return;
      }
    }
  }
}
