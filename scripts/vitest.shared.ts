// Shared vitest settings for every workspace package: tests sit beside the code as `*_test.ts`,
// and each run writes a JSON report that `.ci/run` sums into one "N passed, N failed" line.
import { defineConfig } from "vitest/config";

export const sharedConfig = defineConfig({
  test: {
    include: ["**/*_test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    reporters: ["default", ["json", { outputFile: "test-report.json" }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
