import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exampleApi, JPEG, RANDOMUSER_URL } from "./_stand_in.ts";

/** What `exampleApi(args)` chose and printed; disposed before returning. */
async function choice(args: string[]): Promise<{ baseUrl: string; local: boolean; lines: string[] }> {
  const lines: string[] = [];
  await using api = await exampleApi(args, (line) => lines.push(line));
  return { baseUrl: api.baseUrl, local: api.local, lines };
}

describe("exampleApi()", () => {
  it("starts the local stand-in by default, prints one line, and stops it on dispose", async () => {
    const { baseUrl, local, lines } = await choice([]);
    expect(local).toBe(true);
    expect(lines).toEqual([`Using a local stand-in for randomuser.me at ${baseUrl} (--real for the real one)`]);
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(fetch(`${baseUrl}/api/?seed=1`)).rejects.toThrow(TypeError); // closed once disposed
  });

  it("takes --real, --base-url URL or a URL alone, and refuses what is not a URL", async () => {
    expect(await choice(["--real"])).toEqual({
      baseUrl: RANDOMUSER_URL,
      local: false,
      lines: [`Using ${RANDOMUSER_URL} (the real randomuser.me)`],
    });
    expect(await choice(["--base-url", "http://127.0.0.1:9/"])).toMatchObject({ baseUrl: "http://127.0.0.1:9" });
    expect(await choice(["http://127.0.0.1:9"])).toMatchObject({ baseUrl: "http://127.0.0.1:9", local: false });
    await expect(choice(["randomuser.me"])).rejects.toThrow(/not a base URL: "randomuser\.me"/);
    await expect(choice(["--real", "--base-url", "http://x.test"])).rejects.toThrow(/choose one/);
  });
});

describe("n9 runs offline by default", () => {
  it("`tsx examples/n9.ts` with no arguments saves the three pictures from its own stand-in", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cc-n9-offline-"));
    try {
      const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
      const program = fileURLToPath(new URL("./n9.ts", import.meta.url));
      const r = spawnSync(process.execPath, [tsxCli, program], { cwd: dir, encoding: "utf8", timeout: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const [first, ...saved] = r.stdout.trim().split("\n");
      expect(first).toMatch(/^Using a local stand-in for randomuser\.me at http:\/\/127\.0\.0\.1:\d+ /);
      expect(saved).toEqual(["123: saved output/123.jpg", "456: saved output/456.jpg", "789: saved output/789.jpg"]);
      expect((await readdir(join(dir, "output"))).sort()).toEqual(["123.jpg", "456.jpg", "789.jpg"]);
      // byte for byte the stand-in's portrait: nothing came from randomuser.me
      expect(new Uint8Array(await readFile(join(dir, "output", "456.jpg")))).toEqual(JPEG);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
