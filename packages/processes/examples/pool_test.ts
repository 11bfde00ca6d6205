import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectSixPictures, useFixture } from "./_randomuser_server.ts";
import { SEED_IDS } from "./download_user_picture.ts";
import { main } from "./pool.ts";

const fixture = useFixture();

describe("Pool example", () => {
  it("Pool({ processes: 4 }).map resolves to the saved files in input order", async () => {
    const { api, outDir } = fixture;
    expect(await main({ baseUrl: api.baseUrl, outDir })).toEqual(SEED_IDS.map((id) => join(outDir, `${id}.jpg`)));
    await expectSixPictures(fixture);
  });

  it("rejects with the failed download's error", async () => {
    const { api, outDir } = fixture;
    await expect(main({ baseUrl: api.baseUrl, outDir, ids: [123, 999] })).rejects.toThrow(/user 999: .*Uh oh/);
  });
});
