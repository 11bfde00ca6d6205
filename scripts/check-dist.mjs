#!/usr/bin/env node
// `prepack` of every publishable package (run by `pnpm pack`, `pnpm publish`, `npm pack`): refuses to pack
// a package whose `dist` is missing or older than its sources, so a tarball never ships without code.
// Run in the package's folder. Build first with `npm run build` at the repository root (turbo builds the
// package's cc dependencies before it).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const dir = process.cwd();
const { name } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const problems = [];
for (const file of ["dist/mod.js", "dist/mod.d.ts"]) {
  if (!existsSync(join(dir, file))) problems.push(`${file} is missing`);
}
if (problems.length === 0) {
  // Every source has its declarations; the entry points (bundled by scripts/bundle-dist.mjs, or one
  // file per source where a package is not bundled) have their JavaScript.
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const entries = new Set(pkg.cc?.entries ?? ["mod.ts"]);
  for (const src of readdirSync(dir)) {
    if (!src.endsWith(".ts") || src.endsWith("_test.ts") || src.endsWith(".d.ts") || src === "vitest.config.ts")
      continue;
    const outs = [src.replace(/\.ts$/, ".d.ts")];
    if (entries.has(src)) outs.push(src.replace(/\.ts$/, ".js"));
    for (const out of outs) {
      if (!existsSync(join(dir, "dist", out))) problems.push(`dist/${out} is missing`);
      else if (statSync(join(dir, "dist", out)).mtimeMs + 1 < statSync(join(dir, src)).mtimeMs)
        problems.push(`${src} is newer than its build`);
    }
  }
}
if (problems.length > 0) {
  console.error(
    `[cc] refusing to pack ${name}: ${problems.join("; ")}.\n[cc] Run \`npm run build\` at the repository root first.`,
  );
  process.exit(1);
}
