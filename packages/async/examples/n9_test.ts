import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extensionFor, main } from "./n9.ts";
import { main as mainSequential } from "./n9_sequential.ts";

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

interface FakeApi {
  baseUrl: string;
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A local randomuser.me: `/api/?seed=N` answers a user whose picture points back here, and
 * `/portraits/N.jpg` answers a few JPEG bytes. API answers are held until `gate` requests are in
 * flight at once (a 2 s fallback keeps a sequential client from hanging), so a concurrent client
 * is seen as concurrent.
 */
async function startApi(gate: number, errorSeed?: number): Promise<FakeApi> {
  let inFlight = 0;
  let held: (() => void)[] = [];
  let fallback: ReturnType<typeof setTimeout> | undefined;
  const api = { baseUrl: "", maxInFlight: 0 } as FakeApi;
  const release = (): void => {
    clearTimeout(fallback);
    const now = held;
    held = [];
    for (const go of now) go();
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    api.maxInFlight = Math.max(api.maxInFlight, inFlight);
    res.on("finish", () => inFlight--);
    const url = new URL(req.url ?? "/", api.baseUrl);
    if (url.pathname === "/api/") {
      const seed = Number(url.searchParams.get("seed"));
      held.push(() => {
        res.setHeader("content-type", "application/json");
        if (seed === errorSeed) res.end(JSON.stringify({ error: "Uh oh, something has gone wrong." }));
        else res.end(JSON.stringify({ results: [{ picture: { large: `${api.baseUrl}/portraits/${seed}.jpg` } }] }));
      });
      if (held.length >= gate) release();
      else {
        clearTimeout(fallback);
        fallback = setTimeout(release, 2000);
      }
      return;
    }
    res.setHeader("content-type", "image/jpeg");
    res.end(JPEG);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => {
    clearTimeout(fallback);
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return api;
}

let outDir = "";
beforeEach(async () => {
  outDir = join(await mkdtemp(join(tmpdir(), "cc-n9-")), "output");
});
afterEach(async () => {
  await rm(join(outDir, ".."), { recursive: true, force: true });
});

describe("n9 (cc version)", () => {
  it("downloads concurrently, creates the folder, writes .jpg files atomically", async () => {
    const api = await startApi(3);
    try {
      const ids = [123, 456, 789, 111, 222, 333];
      const results = await main({ ids, baseUrl: api.baseUrl, outDir, concurrency: 3, log: () => {} });
      expect(results.every((r) => "file" in r)).toBe(true);
      expect((await readdir(outDir)).sort()).toEqual(ids.map((id) => `${id}.jpg`).sort());
      expect(new Uint8Array(await readFile(join(outDir, "123.jpg")))).toEqual(JPEG);
      expect(api.maxInFlight).toBeGreaterThan(1);
      expect(api.maxInFlight).toBeLessThanOrEqual(3);
    } finally {
      await api.close();
    }
  });

  it("treats a JSON { error } answer as that id's failure and still saves the others", async () => {
    const api = await startApi(2, 456);
    try {
      const results = await main({ ids: [123, 456], baseUrl: api.baseUrl, outDir, concurrency: 2, log: () => {} });
      expect("file" in (results[0] as object)).toBe(true);
      expect(String((results[1] as { error: Error }).error.message)).toMatch(/Uh oh/);
      expect(await readdir(outDir)).toEqual(["123.jpg"]);
    } finally {
      await api.close();
    }
  });

  it("names files by Content-Type", () => {
    expect(extensionFor("image/jpeg")).toBe(".jpg");
    expect(extensionFor("image/png; charset=binary")).toBe(".png");
    expect(() => extensionFor("text/html")).toThrow('"text/html"');
  });
});

describe("n9 (sequential, faithful)", () => {
  it("downloads one at a time without blocking and saves .jpg files", async () => {
    const api = await startApi(1);
    try {
      const files = await mainSequential({ ids: [123, 456, 789], baseUrl: api.baseUrl, outDir, log: () => {} });
      expect(files.map((f) => f.slice(outDir.length + 1))).toEqual(["123.jpg", "456.jpg", "789.jpg"]);
      expect(api.maxInFlight).toBe(1);
    } finally {
      await api.close();
    }
  });
});
