/**
 * `report.html`: a page to look at after the tour — a contact sheet of the downloaded portraits with
 * their users' names, and a bar chart of each model's wall time. Self-contained: the pictures are
 * inlined as data URLs and the chart is inline SVG, so it opens from disk with no network.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";

/** A picture on the contact sheet. */
export interface ReportPicture {
  /** The user id (the seed). */
  readonly id: number | string;
  /** The user's name. */
  readonly name: string;
  /** The saved picture. */
  readonly path: string;
}

/** A bar of the chart. */
export interface ReportTiming {
  /** The model's name. */
  readonly model: string;
  /** Its wall time, in ms. */
  readonly wallMs: number;
  /** Downloads that failed. */
  readonly failures: number;
}

/** What {@linkcode writeReport} shows. */
export interface ReportData {
  /** The title's detail, e.g. "6 pictures from a local stand-in for randomuser.me". */
  readonly subtitle: string;
  /** The pictures, in the order of the ids. */
  readonly pictures: readonly ReportPicture[];
  /** The models' times, in the tour's order. */
  readonly timings: readonly ReportTiming[];
}

const TYPES: Readonly<Record<string, string>> = {
  ".jpg": "image/jpeg",
  ".png": "image/png",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

/**
 * The chart: one horizontal bar per model, its length the wall time, as inline SVG.
 *
 * @param timings The models' times.
 * @returns An `<svg>` element.
 *
 * @example
 * ```ts
 * import { timingChart } from "./report.ts";
 * const svg = timingChart([{ model: "async", wallMs: 40, failures: 0 }]);
 * console.assert(svg.startsWith("<svg") && svg.includes("async"));
 * ```
 */
export function timingChart(timings: readonly ReportTiming[]): string {
  const bar = 22;
  const gap = 8;
  const label = 110;
  const width = 640;
  const room = width - label - 90;
  const longest = Math.max(1, ...timings.map((t) => t.wallMs));
  const height = timings.length * (bar + gap) + gap;
  const rows = timings.map((t, i) => {
    const y = gap + i * (bar + gap);
    const w = Math.max(2, Math.round((t.wallMs / longest) * room));
    const fill = t.failures > 0 ? "#d9534f" : "#4a7bd0";
    return (
      `<g class="bar" data-model="${escapeHtml(t.model)}" data-ms="${t.wallMs}">` +
      `<text x="${label - 8}" y="${y + bar * 0.7}" text-anchor="end">${escapeHtml(t.model)}</text>` +
      `<rect x="${label}" y="${y}" width="${w}" height="${bar}" rx="3" fill="${fill}"></rect>` +
      `<text x="${label + w + 6}" y="${y + bar * 0.7}">${t.wallMs} ms${t.failures > 0 ? `, ${t.failures} failed` : ""}</text>` +
      "</g>"
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="chart" role="img" aria-label="Wall time per model" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">` +
    `${rows.join("")}</svg>`
  );
}

/**
 * Writes `<outDir>/report.html` (atomically: a temporary file renamed) and returns its path.
 *
 * @param outDir The folder of the pictures.
 * @param data The pictures, with names, and the models' times.
 * @returns The report's path.
 *
 * @example
 * ```ts
 * import { writeReport } from "./report.ts";
 * const path = await writeReport("output", { subtitle: "none", pictures: [], timings: [] });
 * console.assert(path.endsWith("report.html"));
 * ```
 */
export async function writeReport(outDir: string, data: ReportData): Promise<string> {
  const cards = await Promise.all(
    data.pictures.map(async (p) => {
      const bytes = await readFile(p.path);
      const type = TYPES[extname(p.path).toLowerCase()] ?? "application/octet-stream";
      return (
        `<figure><img alt="${escapeHtml(p.name || String(p.id))}" width="128" height="128" ` +
        `src="data:${type};base64,${bytes.toString("base64")}"><figcaption>${escapeHtml(p.name || "(no name)")}` +
        `<small>id ${escapeHtml(String(p.id))}</small></figcaption></figure>`
      );
    }),
  );
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The course's downloader: the tour</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
  h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
  p.sub { color: #666; margin-top: 0; }
  .sheet { display: flex; flex-wrap: wrap; gap: 1rem; }
  figure { margin: 0; width: 140px; text-align: center; }
  figure img { border-radius: 6px; box-shadow: 0 1px 4px #0003; }
  figcaption { font-size: 0.85rem; }
  figcaption small { display: block; color: #888; }
</style>
</head>
<body>
<h1>The course's downloader: the tour</h1>
<p class="sub">${escapeHtml(data.subtitle)}</p>
<h2>Wall time per model</h2>
${timingChart(data.timings)}
<h2>Contact sheet</h2>
<div class="sheet">
${cards.join("\n")}
</div>
</body>
</html>
`;
  const path = join(outDir, "report.html");
  const temporary = join(outDir, `.report.html.${process.pid}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, html, { flag: "wx" });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return path;
}
