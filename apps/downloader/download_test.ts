import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DownloadError,
  downloadUserPicture,
  downloadUserPictureTask,
  fetchUserPicture,
  fetchUserPictureTask,
  fetchUserPictureUntil,
  removeTemporaryFiles,
  tryFetchUserPicture,
} from "./download.ts";
import { type RandomUserServer, SERVICE_ERROR_MESSAGE, startServer } from "./server.ts";

/** How long to wait for a request to reach a server: generous, for a loaded machine. */
const WAIT = { timeout: 15_000, interval: 10 };

let dir: string;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cc-download-"));
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

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A hand-made service: `/api/` answers a user whose picture is `/picture` (or `api` decides), and
 * `/picture` is answered by `picture`.
 */
async function fakeService(picture: Handler, api?: Handler): Promise<string> {
  let origin = "";
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/api/")) {
      if (api) return api(req, res);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ results: [{ picture: { large: `${origin}/picture` } }] }));
      return;
    }
    picture(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return origin;
}

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe("downloadUserPicture()", () => {
  it("saves the user's large picture as <outDir>/<id>.jpg and returns the path", async () => {
    const server = await serve();
    const path = await downloadUserPicture(123, { baseUrl: server.url, outDir: dir });
    expect(path).toBe(join(dir, "123.jpg"));
    const body = (await (await fetch(`${server.url}/api/?seed=123`)).json()) as {
      results: Array<{ picture: { large: string } }>;
    };
    const user = body.results[0]!;
    const expected = new Uint8Array(await (await fetch(user.picture.large)).arrayBuffer());
    const saved = new Uint8Array(await readFile(path));
    expect(saved).toEqual(expected);
    expect([...saved.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(await readdir(dir)).toEqual(["123.jpg"]);
  });

  it("creates a missing output folder, nested", async () => {
    const server = await serve();
    const outDir = join(dir, "a", "b", "output");
    const path = await downloadUserPicture("456", { baseUrl: server.url, outDir });
    expect(path).toBe(join(outDir, "456.jpg"));
    expect(existsSync(path)).toBe(true);
  });

  it("accepts a base URL with a trailing slash", async () => {
    const server = await serve();
    expect(await downloadUserPicture(1, { baseUrl: `${server.url}/`, outDir: dir })).toBe(join(dir, "1.jpg"));
  });

  it.each([
    ["image/jpeg", ".jpg"],
    ["image/jpeg; charset=binary", ".jpg"],
    ["IMAGE/PNG", ".png"],
    ["image/png", ".png"],
    ["image/webp", ".webp"],
  ])("names the file by Content-Type %s → %s", async (type, extension) => {
    const baseUrl = await fakeService((_req, res) => {
      res.writeHead(200, { "Content-Type": type });
      res.end(PNG);
    });
    const path = await downloadUserPicture(7, { baseUrl, outDir: dir });
    expect(path).toBe(join(dir, `7${extension}`));
    expect(new Uint8Array(await readFile(path))).toEqual(PNG);
  });

  it("replaces an existing file", async () => {
    const server = await serve();
    await writeFile(join(dir, "5.jpg"), "old");
    await downloadUserPicture(5, { baseUrl: server.url, outDir: dir });
    expect((await readFile(join(dir, "5.jpg")))[0]).toBe(0xff);
    expect(await readdir(dir)).toEqual(["5.jpg"]);
  });

  it("rejects the service's { error } answer with a DownloadError naming the id", async () => {
    const server = await serve({ failSeeds: [456] });
    const error = await downloadUserPicture(456, { baseUrl: server.url, outDir: dir, retries: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).id).toBe("456");
    expect((error as DownloadError).url).toBe(`${server.url}/api/?seed=456`);
    expect((error as DownloadError).message).toBe(
      `The user service answered 500 for id "456" at ${server.url}/api/?seed=456: ${SERVICE_ERROR_MESSAGE}`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("rejects an { error } answer even with status 200", async () => {
    const baseUrl = await fakeService(
      () => {},
      (_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: "Uh oh, something has gone wrong." }));
      },
    );
    await expect(downloadUserPicture(9, { baseUrl, outDir: dir })).rejects.toThrow(DownloadError);
    await expect(downloadUserPicture(9, { baseUrl, outDir: dir })).rejects.toThrow(/id "9".*Uh oh/);
  });

  it.each([
    ["invalid JSON", 200, "<html>", /invalid JSON for id "3"/],
    [
      "a status without { error }",
      404,
      "{}",
      /answered 404 for id "3" at http:\/\/127\.0\.0\.1:\d+\/api\/\?seed=3: \{\}/,
    ],
    ["no results", 200, '{"results":[]}', /no results\[0\]\.picture\.large for id "3"/],
  ])("rejects %s with a DownloadError", async (_name, status, body, message) => {
    const baseUrl = await fakeService(
      () => {},
      (_req, res) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(body);
      },
    );
    const error = await downloadUserPicture(3, { baseUrl, outDir: dir, retries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(message);
  });

  it("rejects an unreachable service with a DownloadError whose cause is the network error", async () => {
    const baseUrl = await fakeService(() => {});
    await Promise.all(closers.splice(0).map((close) => close()));
    const error = await downloadUserPicture(4, { baseUrl, outDir: dir, retries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/Cannot reach .* for id "4"/);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it("leaves no file and no temporary file when the picture request fails", async () => {
    const baseUrl = await fakeService((_req, res) => {
      res.writeHead(500, { "Content-Type": "image/jpeg" });
      res.end("oops");
    });
    const error = await downloadUserPicture(11, { baseUrl, outDir: dir, retries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/picture of id "11" answered 500/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("rejects a picture that is not an image, writing nothing", async () => {
    const baseUrl = await fakeService((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html>");
    });
    await expect(downloadUserPicture(12, { baseUrl, outDir: dir })).rejects.toThrow(
      /picture of id "12" is not an image: Content-Type "text\/html"/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("removes the temporary file when the picture is cut off mid-way", async () => {
    const baseUrl = await fakeService((_req, res) => {
      res.writeHead(200, { "Content-Type": "image/jpeg", "Content-Length": "100000" });
      res.write(Buffer.alloc(1000, 0xff), () => setImmediate(() => res.socket?.destroy()));
    });
    const error = await downloadUserPicture(13, { baseUrl, outDir: dir, retries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/The picture of id "13" was cut off: http:\/\/127\.0\.0\.1:\d+\/picture$/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("rejects with the signal's reason when aborted mid-download, leaving nothing", async () => {
    const baseUrl = await fakeService((_req, res) => {
      res.writeHead(200, { "Content-Type": "image/jpeg", "Content-Length": "100000" });
      res.write(Buffer.alloc(1000, 0xff)); // and never finishes
    });
    const controller = new AbortController();
    const download = downloadUserPicture(14, { baseUrl, outDir: dir, signal: controller.signal });
    const settled = download.catch((e: unknown) => e);
    // The temporary file exists while the body streams in…
    await vi.waitFor(async () => expect((await readdir(dir)).some((f) => f.endsWith(".tmp"))).toBe(true), WAIT);
    const reason = new Error("stop");
    controller.abort(reason);
    expect(await settled).toBe(reason);
    // …and is gone after the abort.
    expect(await readdir(dir)).toEqual([]);
  });

  it("rejects at once with an already aborted signal, sending no request", async () => {
    const server = await serve();
    const signal = AbortSignal.abort();
    const error = await downloadUserPicture(15, { baseUrl: server.url, outDir: dir, signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(server.stats().requests).toBe(0);
  });

  it("rejects with the reason when aborted while waiting for the service", async () => {
    const server = await serve({ latency: 600_000 });
    const controller = new AbortController();
    const settled = downloadUserPicture(16, { baseUrl: server.url, outDir: dir, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    await vi.waitFor(() => expect(server.stats().inFlight).toBe(1), WAIT);
    controller.abort("user cancelled");
    expect(await settled).toBe("user cancelled");
    expect(existsSync(join(dir, "16.jpg"))).toBe(false);
  });

  it.each([-1, 1.5, Number.NaN, "", "../etc/passwd", "a/b", ".hidden", "x".repeat(65)])(
    "rejects the id %o with a TypeError quoting it",
    async (id) => {
      await expect(downloadUserPicture(id as number | string, { outDir: dir })).rejects.toThrow(TypeError);
      await expect(downloadUserPicture(id as number | string, { outDir: dir })).rejects.toThrow(/received/);
    },
  );
});

describe("retries and timeouts", () => {
  /** No file and no temporary file in the output folder (it may not exist). */
  async function nothingWritten(): Promise<void> {
    expect(existsSync(dir) ? await readdir(dir) : []).toEqual([]);
  }

  it("waits for a 429's Retry-After, then succeeds, counting the retry", async () => {
    let calls = 0;
    const baseUrl = await fakeService(
      (_req, res) => {
        res.writeHead(200, { "Content-Type": "image/jpeg" });
        res.end(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
      },
      (_req, res) => {
        if (++calls === 1) {
          res.writeHead(429, { "Retry-After": "1", "Content-Type": "application/json" });
          res.end('{"error":"slow down"}');
          return;
        }
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ results: [{ picture: { large: `${baseUrl}/picture` } }] }));
      },
    );
    const started = performance.now();
    const result = await fetchUserPicture(21, { baseUrl, outDir: dir, retryDelay: 1 });
    // timers never fire early: the second try came at least Retry-After (1 s) later
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(result).toEqual({ id: "21", path: join(dir, "21.jpg"), bytes: 4, retries: 1, name: "" });
    expect(calls).toBe(2);
    expect(await readdir(dir)).toEqual(["21.jpg"]);
  });

  it("answers the local server's 429s (rateLimit) by waiting, and every download ends written", async () => {
    const server = await serve({ rateLimit: 1 });
    const results = await Promise.all(
      [1, 2, 3].map((id) => fetchUserPicture(id, { baseUrl: server.url, outDir: dir, retryDelay: 1 })),
    );
    expect(results.map((r) => r.path).sort()).toEqual(["1.jpg", "2.jpg", "3.jpg"].map((f) => join(dir, f)));
    expect(results.reduce((sum, r) => sum + r.retries, 0)).toBe(server.stats().requests - 6);
  });

  it("gives up at once when Retry-After is beyond the retry time, saying so", async () => {
    const baseUrl = await fakeService(
      () => {},
      (_req, res) => {
        res.writeHead(429, { "Retry-After": "120" });
        res.end();
      },
    );
    const error = await fetchUserPicture(22, { baseUrl, outDir: dir, retryTime: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(
      /^The user service answered 429 for id "22" at http:\/\/127\.0\.0\.1:\d+\/api\/\?seed=22 \(gave up after 0 retries; the server asked to wait 120 s, beyond the 5000 ms retry time\)$/,
    );
    await nothingWritten();
  });

  it("gets through a burst of 500s from the local server (failFirst) within its retries", async () => {
    const server = await serve({ failFirst: 3 });
    const result = await fetchUserPicture(23, { baseUrl: server.url, outDir: dir, retryDelay: 1 });
    expect(result.retries).toBe(3);
    expect(server.stats().requests).toBe(5); // 4 API requests, 1 picture
    expect(await readdir(dir)).toEqual(["23.jpg"]);
  });

  it("fails a longer burst after its retries, naming the id, the URL and the last cause", async () => {
    const server = await serve({ failFirst: 10 });
    const error = await fetchUserPicture(24, { baseUrl: server.url, outDir: dir, retries: 2, retryDelay: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({ id: "24", url: `${server.url}/api/?seed=24`, retries: 2 });
    expect((error as Error).message).toBe(
      `The user service answered 500 for id "24" at ${server.url}/api/?seed=24: ${SERVICE_ERROR_MESSAGE} (gave up after 2 retries)`,
    );
    expect(server.stats().requests).toBe(3);
    await nothingWritten();
  });

  it("does not retry a 4xx other than 429", async () => {
    let calls = 0;
    const baseUrl = await fakeService(
      () => {},
      (_req, res) => {
        calls++;
        res.writeHead(404);
        res.end("Not found");
      },
    );
    await expect(fetchUserPicture(25, { baseUrl, outDir: dir, retryDelay: 1 })).rejects.toThrow(
      /^The user service answered 404 for id "25" at .*: Not found$/,
    );
    expect(calls).toBe(1);
  });

  it("starts over after a dropped connection (dropFirst), leaving no partial file", async () => {
    const server = await serve({ dropFirst: 1 });
    const result = await fetchUserPicture(26, { baseUrl: server.url, outDir: dir, retryDelay: 1 });
    expect(result.retries).toBe(1);
    expect(await readdir(dir)).toEqual(["26.jpg"]);
    expect(result.bytes).toBe((await readFile(join(dir, "26.jpg"))).byteLength);
  });

  it("fails when every connection drops, naming the picture's URL, with no partial file", async () => {
    const server = await serve({ dropFirst: 100 });
    const error = await fetchUserPicture(27, { baseUrl: server.url, outDir: dir, retries: 1, retryDelay: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(
      /^The picture of id "27" was cut off: http:\/\/127\.0\.0\.1:\d+\/api\/portraits\/\w+\/\d+\.jpg \(gave up after 1 retry\)$/,
    );
    expect((error as Error).cause).toBeDefined();
    await nothingWritten();
  });

  it("times out an API that never answers (stall), retries, then fails naming the URL", async () => {
    const server = await serve({ stall: 1 });
    const error = await fetchUserPicture(28, {
      baseUrl: server.url,
      outDir: dir,
      retries: 1,
      retryDelay: 1,
      timeout: 200,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toBe(
      `No answer from ${server.url}/api/?seed=28 for id "28" within 200 ms (gave up after 1 retry)`,
    );
    expect(server.stats().requests).toBe(2);
    await nothingWritten();
  });

  it("times out a picture that stops coming (idle timeout), with no partial file", async () => {
    // generous for a loaded machine: the API answer and the picture's first part must come within it
    const server = await serve({ trickle: 600_000 });
    const error = await fetchUserPicture(29, {
      baseUrl: server.url,
      outDir: dir,
      retries: 0,
      timeout: 1500,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^The picture of id "29" stalled for 1500 ms: http:\/\/.*\.jpg$/);
    await nothingWritten();
  });

  it("does not cut a slow picture that keeps coming (the timeout is per part)", async () => {
    // 8 parts, 400 ms apart: 2.8 s in all, more than the timeout, but never 2 s without a part
    const server = await serve({ trickle: 400 });
    const result = await fetchUserPicture(30, { baseUrl: server.url, outDir: dir, retries: 0, timeout: 2000 });
    expect(result.retries).toBe(0);
  });

  it("ends a backoff at once when the signal aborts", async () => {
    const server = await serve({ failFirst: 100 });
    const controller = new AbortController();
    const settled = fetchUserPicture(31, {
      baseUrl: server.url,
      outDir: dir,
      retryDelay: 600_000,
      retryTime: 6_000_000,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.stats().requests).toBe(1), WAIT);
    controller.abort("stop");
    expect(await settled).toBe("stop");
    await nothingWritten();
  });
});

describe("helpers of the tour's models", () => {
  it("fetchUserPictureUntil aborts when the shared flag is set and notified, leaving nothing", async () => {
    const server = await serve({ trickle: 600_000 });
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const settled = fetchUserPictureUntil(40, { baseUrl: server.url, outDir: dir }, stop).catch((e: unknown) => e);
    await vi.waitFor(async () => expect((await readdir(dir)).some((f) => f.endsWith(".tmp"))).toBe(true), WAIT);
    Atomics.store(stop, 0, 1);
    Atomics.notify(stop, 0);
    expect(((await settled) as Error).message).toBe("Interrupted");
    expect(await readdir(dir)).toEqual([]);
  });

  it("tryFetchUserPicture resolves with each outcome, never rejecting", async () => {
    const server = await serve({ failSeeds: [41] });
    const ok = await tryFetchUserPicture(42, { baseUrl: server.url, outDir: dir });
    expect(ok).toEqual({
      ok: true,
      id: "42",
      path: join(dir, "42.jpg"),
      bytes: expect.any(Number),
      retries: 0,
      name: expect.stringMatching(/^\w+ \S+ \S+$/),
    });
    const failed = await tryFetchUserPicture(41, { baseUrl: server.url, outDir: dir, retries: 1, retryDelay: 1 });
    expect(failed).toEqual({
      ok: false,
      id: "41",
      message: expect.stringMatching(/^The user service answered 500 for id "41" .*\(gave up after 1 retry\)$/),
      retries: 1,
    });
  });

  it("removeTemporaryFiles removes only the given ids' temporary files", async () => {
    for (const name of [".7.jpg.1.a.tmp", ".77.jpg.1.b.tmp", "7.jpg", ".8.jpg.1.c.tmp"]) {
      await writeFile(join(dir, name), "");
    }
    await removeTemporaryFiles(dir, [7, 8]);
    expect((await readdir(dir)).sort()).toEqual([".77.jpg.1.b.tmp", "7.jpg"]);
    await removeTemporaryFiles(join(dir, "missing"), [1]);
  });
});

describe("downloadUserPictureTask", () => {
  it("names the exported function of the download module", async () => {
    expect(downloadUserPictureTask.name).toBe("downloadUserPicture");
    expect(downloadUserPictureTask.url).toBe(new URL("./download.ts", import.meta.url).href);
    const module = await import(downloadUserPictureTask.url);
    expect(module[downloadUserPictureTask.name]).toBe(downloadUserPicture);
  });

  it("takes and returns structured-clonable values", async () => {
    const server = await serve();
    const args = structuredClone([222, { baseUrl: server.url, outDir: dir }] as const);
    const path = await downloadUserPicture(...args);
    expect(structuredClone(path)).toBe(join(dir, "222.jpg"));
  });

  it("has fetchUserPictureTask beside it, giving the size and the retries", async () => {
    expect(fetchUserPictureTask.name).toBe("fetchUserPicture");
    const server = await serve();
    const result = await fetchUserPicture(...structuredClone([223, { baseUrl: server.url, outDir: dir }] as const));
    expect(structuredClone(result)).toEqual({
      id: "223",
      path: join(dir, "223.jpg"),
      bytes: expect.any(Number),
      retries: 0,
      name: expect.stringMatching(/^(Mr|Ms|Mrs|Miss|Mademoiselle|Madame|Monsieur|Herr|Frau) .+ .+$/),
    });
  });
});
