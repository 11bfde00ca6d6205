/**
 * The course's picture downloader on cc: a local randomuser.me stand-in ({@linkcode startServer}),
 * the corrected download function ({@linkcode downloadUserPicture}, also a cc task), the concurrency
 * models the CLI runs it on ({@linkcode MODELS}) and the CLI itself ({@linkcode main}).
 *
 * ```ts
 * import { asyncModel, startServer } from "./mod.ts";
 * await using server = await startServer();
 * const outcomes = await asyncModel.run([123, 456, 789], { baseUrl: server.url, outDir: "output", concurrency: 4 });
 * console.assert(outcomes.every((o) => o.ok && o.path.endsWith(".jpg")));
 * ```
 *
 * @module
 */
export * from "./distributed_model.ts";
export * from "./download.ts";
export * from "./main.ts";
export * from "./models.ts";
export * from "./report.ts";
export * from "./server.ts";
