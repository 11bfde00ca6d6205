import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exampleApi, JPEG, RANDOMUSER_URL } from "./_stand_in.ts";
import { SEED_IDS } from "./download_user_picture.ts";

describe("exampleApi(): which service an example talks to", () => {
  it("with no arguments starts the local stand-in, says so in one line, and stops it when disposed", async () => {
    const lines: string[] = [];
    let baseUrl: string;
    {
      await using api = await exampleApi([], (line) => lines.push(line));
      baseUrl = api.baseUrl;
      expect(api.local).toBe(true);
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const body = (await (await fetch(`${baseUrl}/api/?seed=123`)).json()) as {
        results: { picture: { large: string } }[];
      };
      expect(body.results[0]?.picture.large).toBe(`${baseUrl}/portraits/123.jpg`);
      const picture = await fetch(`${baseUrl}/portraits/123.jpg`);
      expect(picture.headers.get("content-type")).toBe("image/jpeg");
      expect(new Uint8Array(await picture.arrayBuffer())).toEqual(JPEG);
    }
    expect(lines).toEqual([`Using a local stand-in for randomuser.me at ${baseUrl} (--real for the real one)`]);
    await expect(fetch(`${baseUrl}/api/?seed=1`)).rejects.toThrow(TypeError); // stopped: connection refused
  });

  it("--real names the real service, a URL (alone or with --base-url) names that one; nothing is started", async () => {
    const seen = async (args: string[]) => {
      const lines: string[] = [];
      await using api = await exampleApi(args, (line) => lines.push(line));
      return { baseUrl: api.baseUrl, local: api.local, lines };
    };
    expect(await seen(["--real"])).toEqual({
      baseUrl: RANDOMUSER_URL,
      local: false,
      lines: ["Using https://randomuser.me (the real randomuser.me)"],
    });
    const other = { baseUrl: "http://127.0.0.1:9", local: false, lines: ["Using http://127.0.0.1:9"] };
    expect(await seen(["http://127.0.0.1:9/"])).toEqual(other);
    expect(await seen(["--base-url", "http://127.0.0.1:9"])).toEqual(other);
  });

  it("rejects a base URL that is not one, --real with a URL, and unknown options, naming them", async () => {
    await expect(exampleApi(["randomuser.me"], () => {})).rejects.toThrow(/not a base URL: "randomuser\.me"/);
    await expect(exampleApi(["--real", "http://x.test"], () => {})).rejects.toThrow(/--real and a base URL/);
    await expect(exampleApi(["--rael"], () => {})).rejects.toThrow(/--rael/);
  });
});

describe("the seed programs run offline by default", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cc-offline-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("`tsx examples/n10.ts` with no arguments downloads the six pictures from its own stand-in", async () => {
    const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
    const program = fileURLToPath(new URL("./n10.ts", import.meta.url));
    // no network needed: the only server is the one the program starts (the real service never answers here)
    const r = spawnSync(process.execPath, [tsxCli, program], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(
      /^Using a local stand-in for randomuser\.me at http:\/\/127\.0\.0\.1:\d+ \(--real for the real one\)$/,
    );
    for (const id of SEED_IDS) expect(r.stdout).toContain(`file: 'output/${id}.jpg'`);
    const files = SEED_IDS.map((id) => `${id}.jpg`);
    expect((await readdir(join(dir, "output"))).sort()).toEqual([...files].sort());
    // the stand-in's picture, byte for byte: these came from the local server, not from randomuser.me
    for (const file of files) expect(new Uint8Array(await readFile(join(dir, "output", file)))).toEqual(JPEG);
  });
});
