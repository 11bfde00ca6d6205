import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectSixPictures, useFixture } from "./_randomuser_server.ts";
import { SEED_IDS } from "./download_user_picture.ts";
import { main } from "./n10.ts";

const fixture = useFixture();

describe("n10", () => {
  it("starts six DownloadUserPictureProcess objects, joins them, every exit code 0", async () => {
    const { api, outDir } = fixture;
    const outcomes = await main({ baseUrl: api.baseUrl, outDir });
    expect(outcomes).toEqual(SEED_IDS.map((id) => ({ id, exitCode: 0, file: join(outDir, `${id}.jpg`) })));
    await expectSixPictures(fixture);
  });

  it("shows a failed download as exit code 1; the others succeed", async () => {
    const { api, outDir } = fixture;
    const outcomes = await main({ baseUrl: api.baseUrl, outDir, ids: [123, 999] });
    expect(outcomes).toEqual([
      { id: 123, exitCode: 0, file: join(outDir, "123.jpg") },
      { id: 999, exitCode: 1, file: undefined },
    ]);
  });
});
