#!/usr/bin/env node
// Sums vitest's JSON reports (`test-report.json` in each workspace package) into one closing line.
// As a module, `countReports(root)` gives the sums, which `scripts/run.mjs` adds up across Node versions.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Sums the reports under packages/* and apps/*. */
export function countReports(root) {
  const sums = { passed: 0, failed: 0, skipped: 0 };
  for (const group of ["packages", "apps"]) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const file = join(dir, name, "test-report.json");
      if (!existsSync(file)) continue;
      const report = JSON.parse(readFileSync(file, "utf8"));
      sums.passed += report.numPassedTests ?? 0;
      sums.failed += report.numFailedTests ?? 0;
      sums.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    }
  }
  return sums;
}

/** The closing line: "N passed, N failed[, N skipped]". */
export function closingLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(closingLine(countReports(join(dirname(fileURLToPath(import.meta.url)), ".."))));
}
