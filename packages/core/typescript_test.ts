// TypeScript task modules on every supported Node: cc compiles them with tsx (a real transform) in
// worker threads and child processes, and falls back to Node's type stripping only when no tsx can be
// found, with an error that names the construct, the file and the fix. These tests run the build in
// dist/, as a published install would.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type * as Core from "./mod.ts";

/** What the task `constructs` of testdata/typescript_constructs.ts gives (vitest itself cannot import it: decorators). */
const expected = {
  parameterProperties: 3,
  enum: [1, "Green"],
  namespace: 30,
  awaitUsing: ["sync", "async"],
  decoratorAccessor: [2, true],
  satisfies: 3,
  generics: "ab",
};

const built = (await import(new URL("./dist/mod.js", import.meta.url).href)) as typeof Core;
const open: Core.WorkerConnection[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.terminate()));
});

describe.each(["thread", "process"] as const)("a TypeScript task module in a %s", (kind) => {
  it("may use every construct tsc accepts: parameter properties, enums, namespaces, await using, decorators, accessor, satisfies, generics", async () => {
    const c = new built.WorkerConnection(built.spawnWorker({ kind }));
    open.push(c);
    const ts = built.task(new URL("./testdata/typescript_constructs.ts", import.meta.url), "constructs");
    expect(await c.run(ts, [])).toEqual(expected);
    const mts = built.task(new URL("./testdata/typescript_constructs_esm.mts", import.meta.url), "constructsFromMts");
    expect(await c.run(mts, [])).toEqual(expected);
  });
});

describe("a program started under tsx (`node --import tsx`)", () => {
  it("runs TypeScript tasks in threads and processes, with tsx loaded once where it is needed", () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-under-tsx-"));
    try {
      writeFileSync(
        join(dir, "main.mjs"),
        `import { WorkerConnection, spawnWorker, task } from ${JSON.stringify(new URL("./dist/mod.js", import.meta.url).href)};
const constructs = task(${JSON.stringify(new URL("./testdata/typescript_constructs.ts", import.meta.url).href)}, "constructs");
const probe = task(${JSON.stringify(new URL("./testdata/exec_argv.mjs", import.meta.url).href)}, "execArgv");
const out = {};
for (const kind of ["thread", "process"]) {
  const c = new WorkerConnection(spawnWorker({ kind }));
  out[kind] = { constructs: await c.run(constructs, []), execArgv: await c.run(probe, []) };
  await c.terminate();
}
console.log(JSON.stringify(out));
`,
      );
      const tsx = import.meta.resolve("tsx");
      const r = spawnSync(process.execPath, ["--import", tsx, "main.mjs"], {
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      for (const kind of ["thread", "process"]) {
        expect(out[kind].constructs).toEqual(expected);
        // a worker does not inherit tsx's loader (cc compiles TypeScript task modules itself)
        expect(out[kind].execArgv.join(" ")).not.toContain("tsx");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("without tsx", () => {
  // A copy of the built @cc/core in a folder with no node_modules, so no tsx can be found from the
  // task module, the working directory or cc itself.
  const dir = mkdtempSync(join(tmpdir(), "cc-no-tsx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(new URL("./dist", import.meta.url), join(dir, "core"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "erasable.ts"), "export function twice(n: number): number {\n  return n * 2;\n}\n");
  writeFileSync(join(dir, "colours.ts"), "export enum Colour {\n  Red,\n}\n");
  writeFileSync(
    join(dir, "uses_enum.ts"),
    'import { Colour } from "./colours.ts";\nexport const red = (): number => Colour.Red;\n',
  );
  writeFileSync(
    join(dir, "main.mjs"),
    `import { WorkerConnection, spawnWorker, task } from "./core/mod.js";
const out = {};
for (const kind of ["thread", "process"]) {
  const c = new WorkerConnection(spawnWorker({ kind }));
  const run = (file, name, args) => c.run(task(new URL(file, import.meta.url), name), args).then((v) => ({ ok: v }), (e) => ({ error: e.message }));
  out[kind] = { erasable: await run("./erasable.ts", "twice", [21]), enum: await run("./uses_enum.ts", "red", []) };
  await c.terminate();
}
console.log(JSON.stringify(out));
`,
  );
  const native = Boolean((process.features as { typescript?: unknown }).typescript);

  it.each(["thread", "process"] as const)(
    native ? "a %s strips erasable TypeScript and explains what stripping refuses" : "a %s says to install tsx",
    (kind) => {
      const r = spawnSync(process.execPath, ["main.mjs"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout)[kind];
      if (native) {
        expect(result.erasable).toEqual({ ok: 42 });
        expect(result.enum.error).toContain("TypeScript enum is not supported in strip-only mode");
        expect(result.enum.error).toContain(`colours.ts:1`); // the file and line, not only the task module
        expect(result.enum.error).toContain("npm install --save-dev tsx");
      } else {
        expect(result.erasable.error).toContain('cannot load TypeScript: install "tsx"');
        expect(result.enum.error).toContain('cannot load TypeScript: install "tsx"');
      }
    },
  );
});
