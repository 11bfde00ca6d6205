// Test helpers of the examples: a fresh local randomuser.me (the examples' own stand-in, _stand_in.ts) and
// output folder per test, and the check that the six pictures arrived. No internet needed.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect } from "vitest";
import { type FakeRandomUser, JPEG, startRandomUser } from "./_stand_in.ts";
import { SEED_IDS } from "./download_user_picture.ts";

export { type FakeRandomUser, JPEG, startRandomUser } from "./_stand_in.ts";

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
