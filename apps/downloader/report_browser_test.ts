// report.html in a real browser: the tour runs (the compiled CLI, every model, against a local server),
// then Debian's Chromium, driven by playwright-core, opens the report from disk and the test checks what a
// person would see — every portrait loaded, every name under it, one drawn bar per model — and keeps a
// screenshot, with the report it shows, in output/browser-test/ (gitignored): report-screenshot.png, report.html.
//
// Chromium comes from scripts/_chromium.mjs (apt-get, as root, the first time). Without it the test is
// skipped with a warning saying how to get it — except under CI=true, where it fails.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_HOW_TO, ensureChromium, findChromium } from "../../scripts/_chromium.mjs";
import { DEFAULT_IDS } from "./main.ts";
import { type RandomUserServer, startServer } from "./server.ts";

// The compiled CLI, built by turbo before the tests (`test` depends on `build`).
const CLI = fileURLToPath(new URL("./dist/main.js", import.meta.url));
/** Where the screenshot (and a copy of the report it shows) is kept after the run. */
const ARTIFACTS = fileURLToPath(new URL("./output/browser-test/", import.meta.url));

/** The course's seven models, in the tour's order (the tour may add more, e.g. a distributed one). */
const COURSE_TOUR = ["thread", "futures", "threads", "async", "process", "pool-map", "processes"];

/** The first run installs Chromium with apt-get: a few minutes on a slow mirror. */
const INSTALL_TIMEOUT = 10 * 60_000;

interface Summary {
  ids: number[];
  report: string;
  models: { model: string; wallMs: number; files: number; failures: number }[];
}

/** What the test reads of an <img> in the page (no DOM types in this package's TypeScript). */
interface ImageElement {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  getBoundingClientRect(): { width: number };
}

let chromiumPath: string | null = null;
/** Why there is no browser: the how-to line. */
let unavailable: string | null = null;
let dir = "";
let server: RandomUserServer | undefined;
let context: BrowserContext | undefined;
let page: Page | undefined;
let summary: Summary | undefined;
/** Requests the page made to anything but its own file and data: URLs (must stay empty: self-contained). */
const outside: string[] = [];

/** The loaded page; without Chromium, skips the test — or, under CI=true, fails it. */
function loadedPage(ctx: TestContext): Page {
  if (unavailable !== null && process.env.CI === "true") {
    throw new Error(`report_browser_test needs Chromium under CI=true: ${unavailable}`);
  }
  if (page === undefined || summary === undefined) ctx.skip();
  return page as Page;
}

function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  const found = await ensureChromium({ timeoutMs: INSTALL_TIMEOUT - 30_000 });
  if (found.path === null) {
    unavailable = found.howTo;
    if (process.env.CI !== "true") {
      console.warn(`\n*** SKIPPING report_browser_test (report.html in a real browser): ${found.howTo} ***\n`);
    }
    return;
  }
  chromiumPath = found.path;
}, INSTALL_TIMEOUT);

beforeAll(async () => {
  if (chromiumPath === null) return;
  if (!existsSync(CLI)) throw new Error(`Build the app first (pnpm run build): ${CLI} is missing`);
  dir = await mkdtemp(join(tmpdir(), "cc-report-browser-"));
  // what `npm run demo` runs: the tour on the default six ids, every model, against its own local stand-in
  const run = await cli(["--out", "o", "--json"], dir);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  summary = JSON.parse(run.stdout) as Summary;

  context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1000, height: 800 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("file:") && !url.startsWith("data:")) outside.push(url);
  });
  await page.goto(pathToFileURL(join(dir, summary.report)).href, { waitUntil: "load" });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("report.html in Chromium", () => {
  it("shows every portrait, loaded, with its user's name, and saves a screenshot", async (ctx) => {
    const p = loadedPage(ctx);
    expect(summary?.ids).toEqual(DEFAULT_IDS);
    const images = await p.locator(".sheet figure img").evaluateAll((els) =>
      (els as unknown as ImageElement[]).map((img) => ({
        complete: img.complete,
        naturalWidth: img.naturalWidth,
        naturalHeight: img.naturalHeight,
        shownWidth: img.getBoundingClientRect().width,
      })),
    );
    expect(images).toHaveLength(DEFAULT_IDS.length);
    for (const img of images) {
      expect(img.complete).toBe(true);
      // the server's portraits are 128×128 JPEGs: decoded, not a broken-image icon
      expect(img).toMatchObject({ naturalWidth: 128, naturalHeight: 128 });
      expect(img.shownWidth).toBeGreaterThan(0);
    }

    // each caption names the user a stand-in gives for that id (the same seed, the same user), in order
    server = await startServer();
    const expected = await Promise.all(
      DEFAULT_IDS.map(async (id) => {
        const body = (await (await fetch(`${server?.url}/api/?seed=${id}`)).json()) as {
          results: { name: { title: string; first: string; last: string } }[];
        };
        const { title, first, last } = body.results[0]!.name;
        return { name: `${title} ${first} ${last}`, id: `id ${id}` };
      }),
    );
    const captions = await p.locator(".sheet figcaption").evaluateAll((els) =>
      els.map((el) => ({
        name: (el.firstChild?.textContent ?? "").trim(),
        id: (el.querySelector("small")?.textContent ?? "").trim(),
        visible: el.getBoundingClientRect().height > 0,
      })),
    );
    expect(captions).toEqual(expected.map((e) => ({ ...e, visible: true })));
    expect(outside).toEqual([]);

    await mkdir(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, "report-screenshot.png");
    const png = await p.screenshot({ path: shot, fullPage: true });
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    await copyFile(join(dir, summary!.report), join(ARTIFACTS, "report.html"));
    expect((await readdir(ARTIFACTS)).sort()).toEqual(expect.arrayContaining(["report-screenshot.png", "report.html"]));
    console.log(`report_browser_test: screenshot at ${shot}`);
  });

  it("draws the chart: one bar per model that ran, in the tour's order, the slowest the longest", async (ctx) => {
    const p = loadedPage(ctx);
    const bars = await p.locator("svg#chart g.bar").evaluateAll((groups) =>
      groups.map((g) => {
        const box = g.querySelector("rect")?.getBoundingClientRect();
        return { model: g.getAttribute("data-model"), width: box?.width ?? 0, height: box?.height ?? 0 };
      }),
    );
    // one bar per model that ran (the CLI's own summary), in its order; the course's seven among them
    const ran = summary?.models.map((m) => m.model) ?? [];
    expect(bars.map((b) => b.model)).toEqual(ran);
    expect(ran.filter((model) => COURSE_TOUR.includes(model))).toEqual(COURSE_TOUR);
    for (const bar of bars) {
      expect(bar.width).toBeGreaterThan(0);
      expect(bar.height).toBeGreaterThan(0);
    }
    const slowest = summary!.models.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
    expect(Math.max(...bars.map((b) => b.width))).toBe(bars.find((b) => b.model === slowest.model)?.width);
    // the SVG itself has room on the page (not collapsed by the layout)
    const chart = await p.locator("svg#chart").boundingBox();
    expect(chart?.width).toBeGreaterThan(0);
    expect(chart?.height).toBeGreaterThan(0);
  });
});

describe("scripts/_chromium.mjs", () => {
  it("CC_CHROMIUM_PATH names the browser; one that is not executable gives null and the how-to, never an install", async () => {
    const saved = process.env.CC_CHROMIUM_PATH;
    try {
      process.env.CC_CHROMIUM_PATH = process.execPath; // any executable stands for the browser here
      expect(findChromium()).toBe(process.execPath);
      expect(await ensureChromium({ log: () => expect.fail("no install") })).toEqual({
        path: process.execPath,
        howTo: null,
        installed: false,
      });
      const missing = join(tmpdir(), "cc-no-such-chromium");
      process.env.CC_CHROMIUM_PATH = missing;
      expect(findChromium()).toBeNull();
      const found = await ensureChromium({ log: () => expect.fail("no install") });
      expect(found).toEqual({
        path: null,
        howTo: `Chromium not found (CC_CHROMIUM_PATH=${missing} is not an executable): ${CHROMIUM_HOW_TO}`,
        installed: false,
      });
      expect(found.howTo).not.toContain("\n"); // one line
    } finally {
      if (saved === undefined) delete process.env.CC_CHROMIUM_PATH;
      else process.env.CC_CHROMIUM_PATH = saved;
    }
  });
});
