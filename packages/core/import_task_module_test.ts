// importTaskModule imports TypeScript with cc's loader where plain import() cannot (enums, namespaces,
// parameter properties are not erasable: Node's own type stripping refuses them, and Node 20 has none).
// Run in a fresh Node.js against the build in dist/ (turbo builds before it tests), outside vitest's own
// TypeScript transform.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const dist = new URL("./dist/mod.js", import.meta.url).href;
const constructs = new URL("./testdata/typescript_constructs.ts", import.meta.url).href;

function run(code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("importTaskModule", () => {
  it("imports a TypeScript module with non-erasable syntax, where import() fails", () => {
    const plain = run(`await import(${JSON.stringify(constructs)});`);
    expect(plain.status).not.toBe(0);
    const r = run(
      `const { importTaskModule } = await import(${JSON.stringify(dist)});
       const mod = await importTaskModule(${JSON.stringify(constructs)});
       console.log(JSON.stringify((await mod.constructs()).enum));`,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([1, "Green"]);
  });

  it("imports other modules as import() does", () => {
    const r = run(
      `const { importTaskModule } = await import(${JSON.stringify(dist)});
       const os = await importTaskModule("node:os");
       console.log(typeof os.availableParallelism);`,
    );
    expect(r.stdout.trim()).toBe("function");
  });
});
