// `--import` preload of a child process that runs cc from its TypeScript sources (tests) on a Node.js
// with in-thread module hooks and type stripping: cc's own TypeScript loader, with cc's esbuild.
// Erasable syntax only (Node strips this file itself).
import { registerTypeScriptHooks } from "./_ts_hooks.ts";

registerTypeScriptHooks(import.meta.url);
(globalThis as Record<symbol, unknown>)[Symbol.for("cc.typescriptRegistered")] = "transform";
