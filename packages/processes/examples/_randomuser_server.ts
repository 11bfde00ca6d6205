// Test helpers of the examples. A local randomuser.me: `/api/?seed=N` answers a user whose picture URL points
// back here, `/portraits/N.jpg` answers a few JPEG bytes as image/jpeg. No internet needed.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect } from "vitest";
import { SEED_IDS } from "./download_user_picture.ts";

/** The bytes every picture answers: JPEG's start and end markers. */
export const JPEG: Uint8Array = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

/** A running local API. */
export interface FakeRandomUser {
  readonly baseUrl: string;
  /** The seeds asked for, in arrival order. */
  readonly seeds: number[];
  close(): Promise<void>;
}

/** Starts the local API on 127.0.0.1 (a free port); `errorSeeds` answer `{ error }` instead of a user. */
export async function startRandomUser(errorSeeds: readonly number[] = []): Promise<FakeRandomUser> {
  const seeds: number[] = [];
  let baseUrl = "";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", baseUrl);
    if (url.pathname === "/api/") {
      const seed = Number(url.searchParams.get("seed"));
      seeds.push(seed);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify(
          errorSeeds.includes(seed)
            ? { error: "Uh oh, something has gone wrong. Please tweet us @randomapi about the issue. Thank you." }
            : { results: [{ picture: { large: `${baseUrl}/portraits/${seed}.jpg` } }], info: { seed: String(seed) } },
        ),
      );
      return;
    }
    res.setHeader("content-type", "image/jpeg");
    res.end(JPEG);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    seeds,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Per-test fixture of the example tests: a local API (seed 999 answers an error) and a fresh outDir. */
export function useFixture(): { readonly api: FakeRandomUser; readonly outDir: string } {
  const fixture = { api: undefined as unknown as FakeRandomUser, outDir: "" };
  beforeEach(async () => {
    fixture.api = await startRandomUser([999]);
    fixture.outDir = join(await mkdtemp(join(tmpdir(), "cc-processes-")), "output"); // not created yet
  });
  afterEach(async () => {
    await fixture.api.close();
    await rm(join(fixture.outDir, ".."), { recursive: true, force: true });
  });
  return fixture;
}

/** Checks that `outDir` holds the six seed pictures, as JPEG, and that the API saw the six seeds. */
export async function expectSixPictures(fixture: {
  readonly api: FakeRandomUser;
  readonly outDir: string;
}): Promise<void> {
  const files = SEED_IDS.map((id) => `${id}.jpg`);
  expect((await readdir(fixture.outDir)).sort()).toEqual([...files].sort());
  for (const file of files) expect(new Uint8Array(await readFile(join(fixture.outDir, file)))).toEqual(JPEG);
  expect([...fixture.api.seeds].sort()).toEqual([...SEED_IDS].sort());
}
