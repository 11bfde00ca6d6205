#!/usr/bin/env node
// Second half of a package's `build` (after `tsc -p tsconfig.build.json`, which writes the declarations):
// replaces the package's per-file JavaScript in dist/ with one ES module per entry point, bundled by
// esbuild from the TypeScript sources, so that importing a package loads one or two modules instead of
// one per source file. On Node 20 each ES module costs about 1 ms to resolve, load and link:
// `@cc/executors` loaded 34 of them (57 ms CPU against piscina's 28).
//
// package.json's `cc.entries` (default `["mod.ts"]`) are the files loaded by URL: `mod.ts`, a worker's
// entry, a loader registered with `module.register`. Each is bundled on its own (no shared chunks:
// a worker's entry is then a single file, which is most of a worker's start). `cc.separate` names
// modules that stay one file of their own, imported by the others rather than copied into them: those
// with module state that must exist once per thread, or loaded only when needed (`await import`).
//
// With `cc.sharedChunks`, the entries are bundled together instead, and what they share goes to
// dist/_chunk-*.js, one copy per process (for module state such as a broker).
//
// A module that hands its own `import.meta.url` on (a task reference, a shareable's revival URL) gets
// its bundle's URL: it must be an entry itself, or sit in `mod.js` under a name `mod.ts` exports.
// The check below refuses a build where such a module is copied into another entry, and names it.
//
// Node's built-in modules are taken with `process.getBuiltinModule` rather than `import`: an `import`
// from `node:fs` builds an ES module facade over every export of fs, which runs its lazy getters (fs's
// `ReadStream` loads all of streams); the bundle reads only the names the package uses.
//
// The declarations (`*.d.ts`) stay one per source file, with their maps; the bundles' source maps point
// at the shipped `.ts` sources. Run in the package's folder.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const entries = pkg.cc?.entries ?? ["mod.ts"];
const dist = join(dir, "dist");

for (const entry of entries) {
  if (!existsSync(join(dir, entry))) {
    console.error(`[cc] ${pkg.name}: cc.entries names ${entry}, which does not exist`);
    process.exit(1);
  }
}

// Drop tsc's per-file JavaScript (the declarations stay) and any earlier bundle.
for (const file of readdirSync(dist)) {
  if (file.endsWith(".js") || file.endsWith(".js.map")) rmSync(join(dist, file));
}

/** Built-in modules that take milliseconds to load (measured on Node 20: v8 7 ms, child_process 5, net 3.5). */
const LAZY = new Set(["node:v8", "node:child_process", "node:net"]);

/**
 * `import { a, b as c } from "node:x"` → `const { a, b: c } = process.getBuiltinModule("node:x")`; for the
 * slow modules of LAZY, each imported function becomes a wrapper that loads the module on its first call.
 */
function takeBuiltins(source) {
  return source.replace(/^import\s+(?!type\s)([^;]*?)\s+from\s+"(node:[^"]+)";/gms, (_, clause, id) => {
    const get = `process.getBuiltinModule(${JSON.stringify(id)})`;
    const namespace = /^\*\s+as\s+([\w$]+)$/.exec(clause.trim());
    if (namespace) return `const ${namespace[1]} = ${get};`;
    if (!/^\{[^}]*\}$/s.test(clause.trim())) throw new Error(`unexpected import of ${id}: ${clause}`);
    const names = clause
      .trim()
      .slice(1, -1)
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part && !part.startsWith("type "))
      .map((part) => part.split(/\s+as\s+/));
    if (names.length === 0) return "";
    const module = process.getBuiltinModule(id);
    const lazy = (name) => LAZY.has(id) && typeof module[name] === "function" && /^[a-z]/.test(name);
    const lines = [];
    const eager = names.filter(([name]) => !lazy(name));
    if (eager.length > 0)
      lines.push(`const { ${eager.map(([name, as]) => (as ? `${name}: ${as}` : name)).join(", ")} } = ${get};`);
    for (const [name, as] of names.filter(([n]) => lazy(n)))
      lines.push(`const ${as ?? name} = (...args) => ${get}.${name}(...args);`);
    return lines.join(" ");
  });
}

const builtins = {
  name: "cc-builtins",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: takeBuiltins(readFileSync(args.path, "utf8")),
      loader: "ts",
    }));
  },
};

const separate = pkg.cc?.separate ?? [];
const shared = pkg.cc?.sharedChunks === true;
const problems = [];
/** True if a source hands its own `import.meta.url` on (comments aside). */
function passesOwnUrl(input) {
  const source = readFileSync(join(dir, input), "utf8")
    .split("\n")
    .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
    .join("\n");
  return /(?:task(?:<[^>]*>)?\(|url:|registerKind\([^,]*,)\s*import\.meta\.url/.test(source);
}
const common = {
  absWorkingDir: dir,
  outdir: "dist",
  outbase: ".",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  packages: "external",
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "none",
  // class and function names are looked up at run time (a shareable's class, a task's export name)
  keepNames: true,
  metafile: true,
  logLevel: "warning",
};
if (shared) {
  // `cc.sharedChunks`: the entries share one copy of every module they both use (in dist/_chunk-*.js),
  // for packages whose module state must exist once per process (a broker, a registry of kinds).
  const result = await build({
    ...common,
    entryPoints: entries,
    splitting: true,
    chunkNames: "_chunk-[hash]",
    plugins: [builtins],
  });
  for (const [out, info] of Object.entries(result.metafile.outputs)) {
    if (!out.endsWith(".js") || info.entryPoint) continue;
    for (const input of Object.keys(info.inputs)) {
      if (!input.includes(":") && passesOwnUrl(input))
        problems.push(`${input} (in the shared ${out}) passes its own import.meta.url on: name its file instead`);
    }
  }
} else {
  for (const entry of [...entries, ...separate]) {
    const keepApart = {
      name: "cc-keep-apart",
      setup(b) {
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const file = args.path.replace(/^\.\//, "").replace(/\.js$/, ".ts");
          if (file === entry || !separate.includes(file)) return undefined;
          return { path: `./${file.replace(/\.ts$/, ".js")}`, external: true };
        });
      },
    };
    const result = await build({ ...common, entryPoints: [entry], plugins: [keepApart, builtins] });
    for (const input of Object.keys(result.metafile.inputs)) {
      if (input === entry || entry === "mod.ts" || input.includes(":")) continue;
      if (passesOwnUrl(input))
        problems.push(
          `${input} (copied into dist/${entry.replace(/\.ts$/, ".js")}) passes its own import.meta.url on: list it in package.json's cc.entries or cc.separate`,
        );
    }
  }
}
if (problems.length > 0) {
  console.error(`[cc] ${pkg.name}: ${problems.join("; ")}`);
  process.exit(1);
}
