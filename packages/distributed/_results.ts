// Reliable result delivery. Each cc-worker writes a job's outcome to its client's own results stream
// (XADD) before it completes the job in BullMQ; the client reads the stream by entry id (XREAD, never
// destructive, so a lost reply or a reconnect re-reads from the last id) and trims what it has read.
// BullMQ's QueueEvents is not used: its stream is trimmed at ~10k events and loses results when the
// client stalls. A sweep on a timer and after every reconnect looks at jobs pending for long: one that
// BullMQ failed without a result (a worker lost more than maxStalledCount times) or that no longer exists
// (removed, or Redis lost its data) fails its future instead of leaving it waiting forever.
import { WorkerExitError } from "@cc/core";
import type { Future } from "@cc/futures";
import type { Redis } from "ioredis";
import { decodeThrown, decodeValue } from "./_codec.ts";
import { FIELD_JOB, FIELD_OK, FIELD_VALUE } from "./_protocol.ts";

interface Pending {
  readonly future: Future<unknown>;
  readonly name: string;
  /** Date.now() when its job was in Redis; Infinity while being added. */
  since: number;
}

const BATCH = 1000;
const SWEEP_BATCH = 1000;

function compareIds(a: string, b: string): number {
  const [am = "0", as = "0"] = a.split("-");
  const [bm = "0", bs = "0"] = b.split("-");
  if (am.length !== bm.length) return am.length - bm.length;
  if (am !== bm) return am < bm ? -1 : 1;
  return Number(as) - Number(bs);
}

/** The futures of one client waiting for their results, and the reader of its results stream. */
export class ResultInbox {
  readonly #pending = new Map<string, Pending>();
  readonly #cmd: Redis;
  readonly #block: Redis;
  readonly #key: string;
  readonly #jobKey: (id: string) => string;
  readonly #sweepMs: number;
  #lastId = "0-0";
  #closed = false;
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;
  #drainWaiters: (() => void)[] = [];
  #loopDone: Promise<void> | undefined;

  constructor(cmd: Redis, block: Redis, key: string, jobKey: (id: string) => string, sweepMs: number) {
    this.#cmd = cmd;
    this.#block = block;
    this.#key = key;
    this.#jobKey = jobKey;
    this.#sweepMs = sweepMs;
  }

  /** Futures still waiting. */
  get size(): number {
    return this.#pending.size;
  }

  /** Futures still waiting, by job id. */
  ids(): IterableIterator<string> {
    return this.#pending.keys();
  }

  start(): void {
    this.#loopDone = this.#loop();
    this.#timer = setInterval(() => void this.#sweep(), this.#sweepMs);
    this.#timer.unref();
    this.#cmd.on("ready", this.#onReconnect);
    this.#block.on("ready", this.#onReconnect);
  }

  readonly #onReconnect = (): void => {
    void this.#sweep(true);
  };

  /** Registers a future whose job is being added. */
  add(id: string, future: Future<unknown>, name: string): void {
    this.#pending.set(id, { future, name, since: Number.POSITIVE_INFINITY });
    const wake = this.#wake;
    if (wake) {
      this.#wake = undefined;
      wake();
    }
  }

  /** Its job is in Redis now: from here on the sweep may look at it. */
  added(id: string): void {
    const p = this.#pending.get(id);
    if (p) p.since = Date.now();
  }

  /** Forgets a future (cancelled, or failed at submit). */
  delete(id: string): void {
    if (this.#pending.delete(id) && this.#pending.size === 0) this.#drained();
  }

  /** Cancels a waiting future (its job was removed). */
  cancel(id: string): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.delete(id);
    p.future.cancel();
  }

  /** Fails a waiting future. */
  fail(id: string, error: unknown): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.delete(id);
    if (!p.future.done()) p.future.setException(error);
  }

  /** Resolves once no future waits. */
  drain(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #drained(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#cmd.off("ready", this.#onReconnect);
    this.#block.off("ready", this.#onReconnect);
    this.#wake?.();
    this.#block.disconnect();
    await this.#loopDone;
  }

  async #loop(): Promise<void> {
    while (!this.#closed) {
      if (this.#pending.size === 0) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      try {
        const reply = (await this.#block.xread("COUNT", BATCH, "BLOCK", 1000, "STREAMS", this.#key, this.#lastId)) as
          | [string, [string, string[]][]][]
          | null;
        if (reply) this.#consume(reply[0]![1]);
      } catch {
        if (this.#closed) return;
        // the connection dropped: ioredis reconnects; read again from the last id
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  #consume(entries: [string, string[]][]): void {
    let advanced = false;
    for (const [entryId, fields] of entries) {
      if (compareIds(entryId, this.#lastId) <= 0) continue;
      this.#lastId = entryId;
      advanced = true;
      let job: string | undefined;
      let ok: string | undefined;
      let value: string | undefined;
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const f = fields[i];
        if (f === FIELD_JOB) job = fields[i + 1];
        else if (f === FIELD_OK) ok = fields[i + 1];
        else if (f === FIELD_VALUE) value = fields[i + 1];
      }
      if (job === undefined) continue;
      const p = this.#pending.get(job);
      if (p === undefined) continue; // cancelled, or a second run's answer (at-least-once)
      this.#pending.delete(job);
      const future = p.future;
      if (!future.done()) {
        try {
          const decoded = value === undefined ? undefined : JSON.parse(value);
          if (ok === "1") future.setResult(decodeValue(decoded));
          else future.setException(decodeThrown(decoded));
        } catch (error) {
          future.setException(new TypeError(`the result of job ${job} could not be decoded`, { cause: error }));
        }
      }
    }
    if (advanced) {
      this.#cmd.xtrim(this.#key, "MINID", this.#lastId).catch(() => {});
    }
    if (this.#pending.size === 0) this.#drained();
  }

  /** Reads what the stream holds past the last id, without blocking. */
  async #readThrough(): Promise<void> {
    for (;;) {
      const entries = (await this.#cmd.xrange(this.#key, `(${this.#lastId}`, "+", "COUNT", 10_000)) as [
        string,
        string[],
      ][];
      if (entries.length === 0) return;
      this.#consume(entries);
    }
  }

  /** Fails the futures whose job BullMQ failed without a result, or that no longer exist. */
  async #sweep(all = false): Promise<void> {
    if (this.#sweeping || this.#closed || this.#pending.size === 0) return;
    this.#sweeping = true;
    try {
      const now = Date.now();
      const ids: string[] = [];
      for (const [id, p] of this.#pending) {
        if (all || now - p.since >= this.#sweepMs) ids.push(id);
        if (ids.length >= SWEEP_BATCH) break;
      }
      if (ids.length === 0) return;
      // look at other jobs next time
      for (const id of ids) {
        const p = this.#pending.get(id)!;
        this.#pending.delete(id);
        this.#pending.set(id, p);
      }
      const pipeline = this.#cmd.pipeline();
      for (const id of ids) pipeline.hmget(this.#jobKey(id), "timestamp", "finishedOn", "failedReason");
      const replies = (await pipeline.exec()) ?? [];
      const suspects: [string, string | null][] = [];
      replies.forEach(([error, fields], i) => {
        if (error) return;
        const [timestamp, finishedOn, failedReason] = fields as (string | null)[];
        if (timestamp === null) suspects.push([ids[i]!, null]);
        else if (finishedOn !== null && failedReason !== null) suspects.push([ids[i]!, failedReason ?? ""]);
      });
      if (suspects.length === 0) return;
      await this.#readThrough();
      for (const [id, reason] of suspects) {
        const p = this.#pending.get(id);
        if (p === undefined || p.since === Number.POSITIVE_INFINITY) continue;
        this.#pending.delete(id);
        if (p.future.done()) continue;
        if (reason === null) {
          p.future.setException(
            new Error(
              `job ${id} (task "${p.name}") is no longer in Redis and no result came: it was removed, or Redis lost its data`,
            ),
          );
        } else if (/stalled/i.test(reason)) {
          p.future.setException(
            new WorkerExitError(`the cc-workers running job ${id} (task "${p.name}") were lost too often: ${reason}`, {
              exitCode: null,
            }),
          );
        } else {
          p.future.setException(new Error(`job ${id} (task "${p.name}") failed in BullMQ: ${reason}`));
        }
      }
      if (this.#pending.size === 0) this.#drained();
    } catch {
      // Redis is away: the next sweep (or the reconnect) tries again
    } finally {
      this.#sweeping = false;
    }
  }
}
