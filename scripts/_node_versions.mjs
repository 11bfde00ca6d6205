// Other Node.js versions for the test suite, fetched from the npm registry (the `node-<os>-<cpu>`
// packages hold the official binaries) into ./.tools/node-<version>, nothing global. The versions are
// pinned in the root package.json (`cc.testedNode`), so every machine and CI test the same builds.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The pinned versions: `{ "22": "22.23.5", ... }`. */
export function pinnedNodeVersions(root) {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return pkg.cc?.testedNode ?? {};
}

/**
 * Resolves a `--node` value ("22", "24.22.3", "system") to the version to run, or throws naming the
 * choices. "system" (or the running major) means the Node that runs this script.
 */
export function resolveNodeVersion(root, wanted) {
  const pinned = pinnedNodeVersions(root);
  const system = process.versions.node;
  if (wanted === "system" || wanted === system || wanted === system.split(".")[0]) return "system";
  const major = String(wanted).replace(/^v/, "").split(".")[0];
  const version = pinned[major];
  if (!version || (String(wanted).includes(".") && String(wanted).replace(/^v/, "") !== version)) {
    const choices = ["system", ...Object.keys(pinned)].join(", ");
    throw new Error(`--node ${wanted}: not a tested version (choose one of ${choices}, or "all")`);
  }
  return version;
}

/** The folder of `node` for `version`, installing it into .tools on first use. */
export function nodeBinDir(root, version, env) {
  const pkgName = `node-${process.platform}-${process.arch}`;
  const prefix = join(root, ".tools", `node-${version}`);
  const bin = join(prefix, "node_modules", pkgName, "bin");
  if (existsSync(join(bin, "node"))) return bin;
  console.error(`[cc] installing Node.js ${version} (${pkgName}) into .tools/`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(
    npm,
    [
      "install",
      "--prefix",
      prefix,
      "--no-save",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `${pkgName}@${version}`,
    ],
    { stdio: "inherit", env },
  );
  if (r.status !== 0 || !existsSync(join(bin, "node"))) {
    throw new Error(`could not install ${pkgName}@${version} from the npm registry into ${prefix}`);
  }
  return bin;
}
