import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { useFixture } from "./_randomuser_server.ts";
import { downloadUserPicture, extensionFor } from "./download_user_picture.ts";

const fixture = useFixture();

describe("downloadUserPicture", () => {
  it("treats the API's { error } answer as a failure and writes nothing", async () => {
    const { api, outDir } = fixture;
    await expect(downloadUserPicture(999, { baseUrl: api.baseUrl, outDir })).rejects.toThrow(/Uh oh/);
    await expect(readdir(outDir)).rejects.toThrow(/ENOENT/);
  });

  it("names the file by Content-Type", () => {
    expect(extensionFor("image/jpeg")).toBe(".jpg");
    expect(extensionFor("image/PNG; charset=binary")).toBe(".png");
    expect(() => extensionFor("text/html")).toThrow('"text/html"');
    expect(() => extensionFor(null)).toThrow(TypeError);
  });
});
