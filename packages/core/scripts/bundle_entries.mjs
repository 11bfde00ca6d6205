// Bundles the worker entry points (dist/thread_entry.js, dist/process_entry.js) into one file each, so a
// new worker loads one module instead of a dozen: the ES module loader pays for every file, and a
// worker's cold start is mostly that. TypeScript support and threads.js compatibility stay separate
// files, imported only by a worker that needs them. Run after `tsc` (the package's build script).
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const LAZY = /^\.\/_(?:typescript|threadsjs)\.js$/;
const dist = new URL("../dist/", import.meta.url);

for (const entry of ["thread_entry.js", "process_entry.js"]) {
  const file = fileURLToPath(new URL(entry, dist));
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    plugins: [
      {
        name: "keep-lazy-modules-apart",
        setup(b) {
          b.onResolve({ filter: LAZY }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
}
