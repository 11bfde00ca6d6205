import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectSixPictures, useFixture } from "./_randomuser_server.ts";
import { SEED_IDS } from "./download_user_picture.ts";
import { main } from "./ppe.ts";

const fixture = useFixture();

describe("ProcessPoolExecutor example", () => {
  it("submits one download per id, waits, and returns the saved files in order", async () => {
    const { api, outDir } = fixture;
    expect(await main({ baseUrl: api.baseUrl, outDir })).toEqual(SEED_IDS.map((id) => join(outDir, `${id}.jpg`)));
    await expectSixPictures(fixture);
  });
});
