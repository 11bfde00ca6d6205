/**
 * How fast the cross-process primitives are: round trips through the broker, measured between real
 * child processes. Prints one line per measure (operations per second).
 *
 * Run: `pnpm exec tsx examples/primitives_bench.ts [milliseconds per measure, default 1500]`.
 *
 * @module
 */
import { isMainModule, task } from "@cc/core";
import { Event, Lock, Pipe, type PipeConnection, Process, Queue, Value } from "../mod.ts";

/** Lock acquire + release pairs for `ms` milliseconds; returns how many. */
export async function lockLoop(lock: Lock, ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await lock.acquire();
    await lock.release();
    n++;
  }
  return n;
}

/** Value.add for `ms` milliseconds; returns how many. */
export async function addLoop(v: Value, ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await v.add(1);
    n++;
  }
  return n;
}

/** Ping side of a ping-pong over two queues: sends `ms` worth of round trips, then -1. */
export async function ping(to: Queue<number>, from: Queue<number>, ms: number, ready: Event): Promise<number> {
  await ready.wait();
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await to.put(n);
    await from.get();
    n++;
  }
  await to.put(-1);
  return n;
}

/** Pong side: answers each item until -1. */
export async function pong(from: Queue<number>, to: Queue<number>, ready: Event): Promise<void> {
  await ready.set();
  for (let x = await from.get(); x !== -1; x = await from.get()) await to.put(x);
}

/** Producer of a stream: puts `n` items. */
export async function producer(q: Queue<number>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await q.put(i);
}

/** Consumer of a stream: gets `n` items; returns the time it took (ms) from the first. */
export async function consumer(q: Queue<number>, n: number): Promise<number> {
  await q.get();
  const start = performance.now();
  for (let i = 1; i < n; i++) await q.get();
  return performance.now() - start;
}

/** Pipe echo until "stop". */
export async function pipeEcho(conn: PipeConnection): Promise<void> {
  for (let x = await conn.recv(); x !== "stop"; x = await conn.recv()) await conn.send(x);
}

const here = import.meta.url;
const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString("en")}/s`;

/** Runs every measure for `ms` milliseconds each, printing one line per measure with `say`. */
export async function run(ms: number, say: (line: string) => void = console.log): Promise<void> {
  // in-process (the host's own calls: no socket)
  {
    const q = new Queue<number>();
    let n = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await q.put(n);
      await q.get();
      n++;
    }
    say(`Queue put+get, in the host:                 ${rate(n, ms)}`);
  }
  {
    const lock = new Lock();
    const p = new Process({ target: task<typeof lockLoop>(here, "lockLoop"), args: [lock, ms] });
    p.start();
    say(`Lock acquire+release, a child:              ${rate((await p.join()) ?? 0, ms)}`);
  }
  {
    const lock = new Lock();
    const ps = [0, 1].map(() => new Process({ target: task<typeof lockLoop>(here, "lockLoop"), args: [lock, ms] }));
    for (const p of ps) p.start();
    const counts = await Promise.all(ps.map((p) => p.join()));
    say(`Lock acquire+release, two children at once: ${rate((counts[0] ?? 0) + (counts[1] ?? 0), ms)}`);
  }
  {
    const v = new Value("i", 0);
    const p = new Process({ target: task<typeof addLoop>(here, "addLoop"), args: [v, ms] });
    p.start();
    say(`Value.add, a child:                         ${rate((await p.join()) ?? 0, ms)}`);
  }
  {
    const a = new Queue<number>();
    const b = new Queue<number>();
    const ready = new Event();
    const pongP = new Process({ target: task<typeof pong>(here, "pong"), args: [a, b, ready] });
    const pingP = new Process({ target: task<typeof ping>(here, "ping"), args: [a, b, ms, ready] });
    pongP.start();
    pingP.start();
    const n = (await pingP.join()) ?? 0;
    await pongP.join();
    say(`Queue ping-pong between two children:       ${rate(n, ms)} round trips`);
  }
  {
    const n = Math.max(500, Math.round(ms * 13)); // about as long as the other measures
    const q = new Queue<number>({ maxsize: 1000 });
    const c = new Process({ target: task<typeof consumer>(here, "consumer"), args: [q, n] });
    const p = new Process({ target: task<typeof producer>(here, "producer"), args: [q, n] });
    c.start();
    p.start();
    const took = (await c.join()) ?? 1;
    await p.join();
    say(`Queue stream child -> child:                ${rate(n - 1, took)} items`);
  }
  {
    const [mine, theirs] = Pipe();
    const p = new Process({ target: task<typeof pipeEcho>(here, "pipeEcho"), args: [theirs] });
    p.start();
    await mine.send(0);
    await mine.recv(); // the child is up
    let n = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await mine.send(n);
      await mine.recv();
      n++;
    }
    await mine.send("stop");
    await p.join();
    say(`Pipe host <-> child echo:                   ${rate(n, ms)} round trips`);
  }
}

if (isMainModule(import.meta)) await run(Number(process.argv[2] ?? 1500));
