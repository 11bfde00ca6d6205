// Task fixtures for the cross-process primitives' tests (loaded in child processes).
import {
  AbandonedLockError,
  type Barrier,
  type Condition,
  currentProcessName,
  type DictProxy,
  EOFError,
  type Event,
  type JoinableQueue,
  type ListProxy,
  type Lock,
  type PipeConnection,
  parentProcess,
  type Queue,
  type Semaphore,
  type SharedArray,
  type Value,
} from "../mod.ts";

/** Puts `count` items `"<tag>:<i>"` on `q`. */
export async function produce(q: Queue<string>, tag: string, count: number): Promise<number> {
  for (let i = 0; i < count; i++) await q.put(`${tag}:${i}`);
  return count;
}

/** Takes items until a `null`; returns them. */
export async function consume(q: Queue<string | null>): Promise<string[]> {
  const got: string[] = [];
  for (let item = await q.get(); item !== null; item = await q.get()) got.push(item);
  return got;
}

/** JoinableQueue worker: takes numbers until `null`, puts each square on `out`, marks each done. */
export async function squareWorker(q: JoinableQueue<number | null>, out: Queue<number>): Promise<void> {
  for (;;) {
    const x = await q.get();
    if (x === null) {
      await q.taskDone();
      return;
    }
    await out.put(x * x);
    await q.taskDone();
  }
}

/** Takes the lock, says so, and keeps it until killed. */
export async function holdForever(lock: Lock, held: Event): Promise<never> {
  await lock.acquire();
  await held.set();
  return new Promise(() => setInterval(() => {}, 1000));
}

/** Acquires the lock: "acquired" (and releases it), "abandoned", or "timeout". */
export async function tryLock(lock: Lock, timeout: number, waiting?: Event): Promise<string> {
  const acquiring = lock.acquire({ timeout });
  await waiting?.set();
  try {
    if (!(await acquiring)) return "timeout";
  } catch (error) {
    if (error instanceof AbandonedLockError) return "abandoned";
    throw error;
  }
  await lock.release();
  return "acquired";
}

/** Pipe echo server: doubles each number until "stop", then closes its end. */
export async function echo(conn: PipeConnection): Promise<number> {
  let n = 0;
  for (;;) {
    const x = await conn.recv<number | "stop">();
    if (x === "stop") break;
    await conn.send(x * 2);
    n++;
  }
  await conn.close();
  return n;
}

/** Sends 0..n-1 on a one-way pipe's writer, then closes it. */
export async function sendMany(writer: PipeConnection, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await writer.send(i);
  await writer.close();
}

/** Receives until EOFError; returns what came. */
export async function recvAll(reader: PipeConnection): Promise<number[]> {
  const got: number[] = [];
  for (;;) {
    try {
      got.push(await reader.recv<number>());
    } catch (error) {
      if (error instanceof EOFError) return got;
      throw error;
    }
  }
}

/** Waits for the event (says it started waiting first); returns what `wait` returned. */
export async function waitFor(event: Event, timeout: number | undefined, waiting: Event): Promise<boolean> {
  const result = event.wait(timeout === undefined ? {} : { timeout });
  await waiting.set();
  return await result;
}

/** Holds one permit of `slots` until `go` is set, saying on `entered` when it got in. */
export async function takeSlot(slots: Semaphore, entered: Queue<number>, go: Event): Promise<void> {
  await slots.acquire();
  await entered.put(process.pid);
  await go.wait();
  await slots.release();
}

/** Increments `v` n times, each a read and a write under its lock. */
export async function incrementLocked(v: Value, n: number): Promise<void> {
  const lock = v.getLock();
  for (let i = 0; i < n; i++) {
    await using _ = await lock.hold();
    await v.set((await v.get()) + 1);
  }
}

/** Increments `v` n times with the atomic `add`. */
export async function incrementAtomic(v: Value, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await v.add(1);
}

/** Writes `i * i` at `i` of `arr`; returns the array as this child sees it afterwards. */
export async function writeSquare(arr: SharedArray, i: number): Promise<number> {
  await arr.set(i, i * i);
  return await arr.get(i);
}

/** A Manager worker: records itself in the dict and the list, and adds to a total. */
export async function record(d: DictProxy<string, number>, l: ListProxy<number>, id: number): Promise<void> {
  await d.set(`worker-${id}`, process.pid);
  await l.append(id);
  await d.add("total", id);
}

/** What a child knows of its parent and itself. */
export function whoAmI(): {
  parentPid: number | undefined;
  parentName: string | undefined;
  alive: boolean;
  name: string;
} {
  const parent = parentProcess();
  return {
    parentPid: parent?.pid,
    parentName: parent?.name,
    alive: parent?.isAlive() ?? false,
    name: currentProcessName(),
  };
}

/** Waits until `go` is set. */
export async function waitGo(go: Event): Promise<void> {
  await go.wait();
}

/** Releases the lock; returns the name of the error it threw, or "released". */
export async function releaseLock(lock: Lock): Promise<string> {
  try {
    await lock.release();
    return "released";
  } catch (error) {
    return (error as Error).name;
  }
}

/** Sets `v` (waiting while another process holds its lock), then sets `done`. */
export async function setValue(v: Value, value: number, done: Event): Promise<void> {
  await v.set(value);
  await done.set();
}

/** Takes one permit within `timeout` ms; returns whether it did (and keeps it). */
export function takePermit(slots: Semaphore, timeout: number): Promise<boolean> {
  return slots.acquire({ timeout });
}

/** A get aborted after `ms`; returns the reason's name, then takes one more item normally. */
export async function abortedGet(q: Queue<string>, ms: number, aborted: Event): Promise<[string, string]> {
  let reason = "none";
  try {
    await q.get({ signal: AbortSignal.timeout(ms) });
  } catch (error) {
    reason = (error as Error).name;
  }
  await aborted.set();
  return [reason, await q.get()];
}

/** Moves one item from `from` to `to`. */
export async function forward(from: Queue<unknown>, to: Queue<unknown>): Promise<void> {
  await to.put(await from.get());
}

let kept: Queue<number> | undefined;

/** A `Pool` initializer keeping a queue for the tasks of its process (Python's classic). */
export function keepQueue(q: Queue<number>): void {
  kept = q;
}

/** Puts `x * x` on the queue the initializer kept. */
export async function putSquare(x: number): Promise<number> {
  await kept?.put(x * x);
  return x;
}

/** Sends 0..n-1, then ends its process without closing the pipe. */
export async function sendAndExit(conn: PipeConnection, n: number): Promise<never> {
  for (let i = 0; i < n; i++) await conn.send(i);
  process.exit(0);
}

/** Waits on `cond` (saying so on `events` while it holds the lock), then says it was woken. */
export async function condWait(cond: Condition, events: Queue<string>, timeout?: number): Promise<boolean> {
  await cond.acquire();
  await events.put("waiting");
  const notified = await cond.wait(timeout === undefined ? {} : { timeout });
  await events.put(notified ? "woken" : "timed out");
  await cond.release();
  return notified;
}

/** Waits at the barrier (saying so on `waiting` if given); returns its index. */
export async function barrierWait(barrier: Barrier, waiting?: Event): Promise<number> {
  const index = barrier.wait();
  await waiting?.set();
  return await index;
}

/** Tries to put a function on the queue; returns the error's class and message. */
export async function putFunction(q: Queue<unknown>): Promise<[string, string]> {
  try {
    await q.put(() => {});
    return ["none", ""];
  } catch (error) {
    return [(error as Error).name, (error as Error).message];
  }
}

/** Appends `x` to the list stored in `d` under "list". */
export async function appendVia(d: DictProxy<string, ListProxy<number>>, x: number): Promise<void> {
  const list = await d.get("list");
  await list?.append(x);
}

/** Takes a pipe end off `q` and sends `message` on it. */
export async function sendViaQueued(q: Queue<PipeConnection>, message: string): Promise<void> {
  const end = await q.get();
  await end.send(message);
}

/** Puts `count` items on the queue found inside `job`. */
export async function produceNested(
  job: { out: { queue: Queue<string> }; tag: string },
  count: number,
): Promise<number> {
  return await produce(job.out.queue, job.tag, count);
}

/** Holds `lock`, gives up a barrier wait by its signal, says so, then hangs until killed. */
export async function abortBarrierHoldLock(barrier: Barrier, lock: Lock, done: Event): Promise<never> {
  await lock.acquire();
  try {
    await barrier.wait({ signal: AbortSignal.timeout(10) });
  } catch {
    // aborted, as meant
  }
  await done.set();
  return new Promise(() => setInterval(() => {}, 1000));
}
