import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { timingChart, writeReport } from "./report.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cc-report-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

describe("writeReport()", () => {
  it("writes a self-contained report.html: pictures inlined with their names, a bar per model", async () => {
    await writeFile(join(dir, "1.jpg"), JPEG);
    await writeFile(join(dir, "2.jpg"), JPEG);
    const path = await writeReport(dir, {
      subtitle: "2 pictures <local>",
      pictures: [
        { id: 1, name: "Ms Ana <b>Ruiz</b>", path: join(dir, "1.jpg") },
        { id: 2, name: "Mr Li Wei", path: join(dir, "2.jpg") },
      ],
      timings: [
        { model: "async", wallMs: 40, failures: 0 },
        { model: "process", wallMs: 4000, failures: 1 },
      ],
    });
    expect(path).toBe(join(dir, "report.html"));
    expect((await readdir(dir)).sort()).toEqual(["1.jpg", "2.jpg", "report.html"]);
    const html = await readFile(path, "utf8");
    expect(html.match(/<img [^>]*src="data:image\/jpeg;base64,\/9j\/2Q=="/g)).toHaveLength(2);
    expect(html).toContain("Ms Ana &lt;b&gt;Ruiz&lt;/b&gt;");
    expect(html).toContain("2 pictures &lt;local&gt;");
    expect(html).toContain('data-model="process" data-ms="4000"');
    // no network: nothing loaded from anywhere but the page itself (the SVG namespace is not a request)
    expect(html.replace('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:|src="\/|href=/);
  });
});

describe("timingChart()", () => {
  it("draws bars proportional to the times, the longest filling the room", () => {
    const svg = timingChart([
      { model: "a", wallMs: 100, failures: 0 },
      { model: "b", wallMs: 400, failures: 0 },
    ]);
    const widths = [...svg.matchAll(/<rect [^>]*width="(\d+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[1]).toBe(widths[0]! * 4);
  });
});
