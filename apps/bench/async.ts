// Benchmark (not a test) of @cc/async's limiters and Queue against p-limit, p-queue and a minimal
// hand-written FIFO semaphore (the one in ../../../shared/peers/lib/adapters.mjs, inlined here).
// Run: pnpm exec turbo run build --filter=@cc/async && cd apps/bench && pnpm exec tsx async.ts
// Options: ROUNDS=7 N=100000 CONCURRENCY=16 QUEUE_N=1000000
import { limit, Queue, Semaphore } from "@cc/async";
import pLimit from "p-limit";
import PQueue from "p-queue";

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const N = Number(process.env.N ?? 100_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const QUEUE_N = Number(process.env.QUEUE_N ?? 1_000_000);

type Job = () => Promise<number>;
type Run = (fn: Job) => Promise<number>;

// Hand-written minimal counting semaphore (FIFO), as in the peers' adapters.mjs.
function minimalSemaphore(n: number): Run {
  let active = 0;
  let q: ((() => void) | undefined)[] = [];
  let qh = 0;
  const release = (): void => {
    if (qh < q.length) {
      const go = q[qh] as () => void;
      q[qh++] = undefined;
      if (qh > 1024 && qh * 2 > q.length) {
        q = q.slice(qh);
        qh = 0;
      }
      go();
    } else active--;
  };
  return (fn) =>
    new Promise((resolve, reject) => {
      const go = (): void => {
        let p: Promise<number>;
        try {
          p = fn();
        } catch (e) {
          reject(e);
          release();
          return;
        }
        Promise.resolve(p).then(
          (v) => {
            resolve(v);
            release();
          },
          (e) => {
            reject(e);
            release();
          },
        );
      };
      if (active < n) {
        active++;
        go();
      } else q.push(go);
    });
}

const LIMITERS: Record<string, (n: number) => Run> = {
  "p-limit 7.3.3": (n) => pLimit(n) as Run,
  "p-queue 9.3.5": (n) => {
    const q = new PQueue({ concurrency: n });
    return (fn) => q.add(fn) as Promise<number>;
  },
  "minimal semaphore": minimalSemaphore,
  "cc Semaphore.runExclusive": (n) => {
    const sem = new Semaphore(n);
    return (fn) => sem.runExclusive(fn);
  },
  "cc Semaphore acquire/release": (n) => {
    const sem = new Semaphore(n);
    return async (fn) => {
      await sem.acquire();
      try {
        return await fn();
      } finally {
        sem.release();
      }
    };
  },
  "cc limit()": (n) => limit(n) as Run,
  "unlimited (floor)": () => (fn) => fn(),
};

const job: Job = async () => 1;

async function limiterRound(make: (n: number) => Run): Promise<number> {
  const run = make(CONCURRENCY);
  const t0 = performance.now();
  const ps = new Array<Promise<number>>(N);
  for (let i = 0; i < N; i++) ps[i] = run(job);
  const ys = await Promise.all(ps);
  const dt = performance.now() - t0;
  if (ys.length !== N || ys[N - 1] !== 1) throw new Error("bad limiter result");
  return N / (dt / 1000);
}

async function queueRound(maxsize: number): Promise<number> {
  const q = new Queue<number>({ maxsize });
  const t0 = performance.now();
  const producer = (async () => {
    for (let i = 0; i < QUEUE_N; i++) await q.put(i);
    q.shutdown();
  })();
  let sum = 0;
  for await (const x of q) sum += x;
  await producer;
  const dt = performance.now() - t0;
  if (sum !== (QUEUE_N * (QUEUE_N - 1)) / 2) throw new Error("bad queue sum");
  return QUEUE_N / (dt / 1000);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const k = (x: number): string => `${Math.round(x / 1000).toLocaleString("en")}k`;

const samples: Record<string, number[]> = {};
for (let r = -1; r < ROUNDS; r++) {
  // Interleave the libraries each round so that drift on a loaded machine hits them all alike.
  for (const [name, make] of Object.entries(LIMITERS)) {
    const rate = await limiterRound(make);
    if (r >= 0) (samples[name] ??= []).push(rate);
  }
}
const plimit = median(samples["p-limit 7.3.3"] ?? []);
const minimal = median(samples["minimal semaphore"] ?? []);
console.log(
  `\nLimiters: ${N.toLocaleString("en")} trivial jobs at concurrency ${CONCURRENCY}, ${ROUNDS} rounds (+1 warm-up), jobs/s`,
);
console.log("| limiter | median | min | max | × p-limit | × minimal semaphore |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  console.log(
    `| ${name} | ${k(m)} | ${k(Math.min(...xs))} | ${k(Math.max(...xs))} | ${(m / plimit).toFixed(2)} | ${(m / minimal).toFixed(2)} |`,
  );
}

const queueRounds = Math.max(3, Math.ceil(ROUNDS / 2));
console.log(
  `\nQueue: ${QUEUE_N.toLocaleString("en")} items, one producer, one consumer (for await), ${queueRounds} rounds, items/s`,
);
console.log("| queue | median | min | max |");
console.log("|---|---:|---:|---:|");
for (const maxsize of [0, 1024, 1]) {
  const xs: number[] = [];
  await queueRound(maxsize);
  for (let r = 0; r < queueRounds; r++) xs.push(await queueRound(maxsize));
  console.log(`| cc Queue maxsize ${maxsize} | ${k(median(xs))} | ${k(Math.min(...xs))} | ${k(Math.max(...xs))} |`);
}
