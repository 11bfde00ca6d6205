import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DownloadError } from "./download.ts";
import { asyncModel, type DownloadOutcome, MODELS, ModelUnavailableError, sequentialModel, TOUR } from "./models.ts";
import { type RandomUserServer, startServer } from "./server.ts";

/** How long to wait for a request to reach a server: generous, for a loaded machine. */
const WAIT = { timeout: 15_000, interval: 10 };

let dir: string;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cc-models-"));
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await rm(dir, { recursive: true, force: true });
});

async function serve(options: Parameters<typeof startServer>[0] = {}): Promise<RandomUserServer> {
  const server = await startServer(options);
  closers.push(() => server.close());
  return server;
}

/**
 * A proxy in front of `target` that holds every API request until `release()`, counting them, so a
 * test sees how many downloads a model has open at once without timing.
 */
async function gatedProxy(target: string) {
  const held: ServerResponse[] = [];
  const state = { open: 0, max: 0, released: false };
  const answer = async (url: string, res: ServerResponse) => {
    const upstream = await fetch(target + url);
    res.writeHead(upstream.status, { "Content-Type": upstream.headers.get("content-type") ?? "" });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  };
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (!url.startsWith("/api/?")) return void answer(url, res);
    state.open++;
    state.max = Math.max(state.max, state.open);
    res.once("close", () => state.open--);
    const go = () => void answer(url, res);
    if (state.released) go();
    else held.push(Object.assign(res, { go }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    release() {
      state.released = true;
      for (const res of held.splice(0)) (res as ServerResponse & { go(): void }).go();
    },
  };
}

const IDS = [123, 456, 789, 111, 222, 333];

describe("MODELS", () => {
  it("lists sequential and async, with unique names", () => {
    expect(MODELS.map((m) => m.name)).toEqual([
      "sequential",
      "thread",
      "futures",
      "threads",
      "async",
      "process",
      "pool-map",
      "pool",
      "processes",
      "distributed",
    ]);
    expect(TOUR.every((name) => MODELS.some((m) => m.name === name))).toBe(true);
    expect(MODELS.every((m) => m.description.length > 0)).toBe(true);
  });
});

describe.each(MODELS.map((m) => [m.name, m] as const))("%s model", (_name, model) => {
  // what the model needs (the distributed model: a Redis and two cc-workers), once for its tests;
  // missing here, its tests skip loudly — but not under CI, where npm test installed redis-server
  let prepared: AsyncDisposable | undefined;
  let unavailable: string | undefined;
  beforeAll(async () => {
    try {
      prepared = await model.prepare?.({ concurrency: 3 });
    } catch (error) {
      if (!(error instanceof ModelUnavailableError) || process.env.CI) throw error;
      unavailable = error.message;
      console.warn(`SKIPPED: the ${model.name} model's tests: ${unavailable}`);
    }
  }, 120_000);
  afterAll(async () => {
    await prepared?.[Symbol.asyncDispose]();
  }, 60_000);
  beforeEach((ctx) => {
    if (unavailable) ctx.skip();
  });

  it("downloads every id and returns the outcomes in the order of the ids", async () => {
    const server = await serve();
    const settled: DownloadOutcome[] = [];
    const outcomes = await model.run(IDS, {
      baseUrl: server.url,
      outDir: dir,
      concurrency: 3,
      onSettled: (o) => settled.push(o),
    });
    expect(outcomes).toMatchObject(IDS.map((id) => ({ id, ok: true, path: join(dir, `${id}.jpg`), retries: 0 })));
    expect(settled.map((o) => o.id).sort()).toEqual([...IDS].sort());
    expect((await readdir(dir)).sort()).toEqual(IDS.map((id) => `${id}.jpg`).sort());
  });

  it("keeps going when one download fails, and reports that failure", async () => {
    const server = await serve({ failSeeds: [789] });
    const outcomes = await model.run(IDS, { baseUrl: server.url, outDir: dir, concurrency: 2, retry: { retries: 0 } });
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toHaveLength(1);
    const [failure] = failed;
    expect(failure?.id).toBe(789);
    // in-process models keep the class; worker models give an error with the same name and fields
    const error = failure && !failure.ok ? (failure.error as DownloadError) : undefined;
    expect(error?.name).toBe("DownloadError");
    expect(error?.id).toBe("789");
    if (model.name === "sequential" || model.name === "async") expect(error).toBeInstanceOf(DownloadError);
    expect(await readdir(dir)).toHaveLength(5);
  });

  it("stops on abort: unfinished downloads fail with the reason and leave no file", async () => {
    const server = await serve({ latency: 600_000 });
    const controller = new AbortController();
    const running = model.run(IDS, { baseUrl: server.url, outDir: dir, concurrency: 2, signal: controller.signal });
    await vi.waitFor(() => expect(server.stats().inFlight).toBeGreaterThan(0), WAIT);
    controller.abort("stop");
    const outcomes = await running;
    expect(outcomes.map((o) => (o.ok ? "ok" : o.error))).toEqual(IDS.map(() => "stop"));
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("sequentialModel", () => {
  it("has one download open at a time", async () => {
    const proxy = await gatedProxy((await serve()).url);
    const running = sequentialModel.run(IDS, { baseUrl: proxy.url, outDir: dir, concurrency: 4 });
    await vi.waitFor(() => expect(proxy.state.open).toBe(1), WAIT);
    proxy.release();
    await running;
    expect(proxy.state.max).toBe(1);
  });
});

describe("asyncModel", () => {
  it.each([1, 3, 6])("has exactly `concurrency` = %i downloads open at once", async (concurrency) => {
    const proxy = await gatedProxy((await serve()).url);
    const running = asyncModel.run(IDS, { baseUrl: proxy.url, outDir: dir, concurrency });
    await vi.waitFor(() => expect(proxy.state.open).toBe(concurrency), WAIT);
    proxy.release();
    const outcomes = await running;
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(proxy.state.max).toBe(concurrency);
  });
});
