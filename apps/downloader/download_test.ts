import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DownloadError, downloadUserPicture, downloadUserPictureTask } from "./download.ts";
import { type RandomUserServer, startServer } from "./server.ts";

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
    const error = await downloadUserPicture(456, { baseUrl: server.url, outDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).id).toBe("456");
    expect((error as DownloadError).message).toMatch(/id "456" \(status 500\): Uh oh, something has gone wrong/);
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
    ["a status without { error }", 503, "{}", /answered 503 for id "3"/],
    ["no results", 200, '{"results":[]}', /no results\[0\]\.picture\.large for id "3"/],
  ])("rejects %s with a DownloadError", async (_name, status, body, message) => {
    const baseUrl = await fakeService(
      () => {},
      (_req, res) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(body);
      },
    );
    const error = await downloadUserPicture(3, { baseUrl, outDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(message);
  });

  it("rejects an unreachable service with a DownloadError whose cause is the network error", async () => {
    const baseUrl = await fakeService(() => {});
    await Promise.all(closers.splice(0).map((close) => close()));
    const error = await downloadUserPicture(4, { baseUrl, outDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/Cannot reach .* for id "4"/);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it("leaves no file and no temporary file when the picture request fails", async () => {
    const baseUrl = await fakeService((_req, res) => {
      res.writeHead(500, { "Content-Type": "image/jpeg" });
      res.end("oops");
    });
    const error = await downloadUserPicture(11, { baseUrl, outDir: dir }).catch((e: unknown) => e);
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
    const error = await downloadUserPicture(13, { baseUrl, outDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/Cannot save the picture of id "13"/);
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
});
