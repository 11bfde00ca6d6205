import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JPEG, startStandIn } from "./_stand_in.ts";
import { extensionFor, main } from "./n9.ts";
import { main as mainSequential } from "./n9_sequential.ts";

let outDir = "";
beforeEach(async () => {
  outDir = join(await mkdtemp(join(tmpdir(), "cc-n9-")), "output");
});
afterEach(async () => {
  await rm(join(outDir, ".."), { recursive: true, force: true });
});

describe("n9 (cc version)", () => {
  it("downloads concurrently, creates the folder, writes .jpg files atomically", async () => {
    const api = await startStandIn({ gate: 3 });
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
    const api = await startStandIn({ gate: 2, errorSeed: 456 });
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
    const api = await startStandIn({ gate: 1 });
    try {
      const files = await mainSequential({ ids: [123, 456, 789], baseUrl: api.baseUrl, outDir, log: () => {} });
      expect(files.map((f) => f.slice(outDir.length + 1))).toEqual(["123.jpg", "456.jpg", "789.jpg"]);
      expect(api.maxInFlight).toBe(1);
    } finally {
      await api.close();
    }
  });
});
