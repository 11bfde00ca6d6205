import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { expectSixPictures, useFixture } from "./_randomuser_server.ts";
import { SEED_IDS } from "./download_user_picture.ts";
import { main } from "./n10_queue.ts";

const fixture = useFixture();

describe("n10_queue", () => {
  it("six processes hand their files back through a Queue: one report each, every exit code 0", async () => {
    const { api, outDir } = fixture;
    const { reports, exitCodes } = await main({ baseUrl: api.baseUrl, outDir });
    expect(exitCodes).toEqual([0, 0, 0, 0, 0, 0]);
    expect(reports).toHaveLength(6);
    expect(new Set(reports.map((r) => r.pid)).size).toBe(6); // from six different processes
    expect(reports.map((r) => ("file" in r ? r.file : r.error)).sort()).toEqual(
      SEED_IDS.map((id) => join(outDir, `${id}.jpg`)).sort(),
    );
    await expectSixPictures(fixture);
  });

  it("a failed download reports its error on the queue and exits with 1; the others succeed", async () => {
    const { api, outDir } = fixture;
    const { reports, exitCodes } = await main({ baseUrl: api.baseUrl, outDir, ids: [123, 999] });
    expect(exitCodes).toEqual([0, 1]);
    const byId = new Map(reports.map((r) => [r.id, r]));
    expect(byId.get(123)).toMatchObject({ file: join(outDir, "123.jpg") });
    expect(byId.get(999)).toHaveProperty("error");
    expect(reports).toHaveLength(2);
  });

  it("runs as a program, offline by default (its own stand-in for randomuser.me)", async () => {
    const { outDir } = fixture;
    const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
    const script = fileURLToPath(new URL("./n10_queue.ts", import.meta.url));
    const { stdout } = await promisify(execFile)(tsx, [script], { cwd: join(outDir, "..") });
    expect(stdout.split("\n")[0]).toMatch(/^Using a local stand-in for randomuser\.me at http:\/\/127\.0\.0\.1:\d+/);
    for (const id of SEED_IDS) expect(stdout).toContain(`${id}: ${join("output", `${id}.jpg`)}`);
    expect(stdout).toContain("exit codes: [ 0, 0, 0, 0, 0, 0 ]");
  });
});
