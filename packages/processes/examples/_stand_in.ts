// Where the examples download from. By default a local stand-in for randomuser.me, started in the
// example's own process, so every example runs offline; `--real` asks the real service, and a base URL
// (`--base-url URL`, or the URL alone, as before) asks that one. The tests use the same stand-in.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";

/** The real Random User Generator. */
export const RANDOMUSER_URL = "https://randomuser.me";

/** What every stand-in picture answers: a real 16×16 JPEG (a face on a blue ground), so the files open. */
export const JPEG: Uint8Array = Uint8Array.from(
  Buffer.from(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk8BDg4OExETJhUVJk81LTVPT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT//AABEIABAAEAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/ANe2iWRiW6DtW+LrSppKPUyw1KNRty6BcxLGwK9D2owlaVRNS6BiaUabTj1KNxqDWDIVTfvzkE46f/rrepRjVVpGdKcoO6C31Br9nLJs2YwAc9f/ANVFOjGkrRCrOU3dn//Z",
    "base64",
  ),
);

/** A running local stand-in for randomuser.me. */
export interface FakeRandomUser {
  readonly baseUrl: string;
  /** The seeds asked for, in arrival order. */
  readonly seeds: number[];
  close(): Promise<void>;
}

/**
 * Starts the stand-in on 127.0.0.1 (a free port): `/api/?seed=N` answers a user whose picture URL points
 * back here, `/portraits/N.jpg` answers {@linkcode JPEG}; `errorSeeds` answer `{ error }` as the service
 * does when it fails.
 */
export async function startRandomUser(errorSeeds: readonly number[] = []): Promise<FakeRandomUser> {
  const seeds: number[] = [];
  let baseUrl = "";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", baseUrl);
    if (url.pathname === "/api/") {
      const seed = Number(url.searchParams.get("seed"));
      seeds.push(seed);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify(
          errorSeeds.includes(seed)
            ? { error: "Uh oh, something has gone wrong. Please tweet us @randomapi about the issue. Thank you." }
            : { results: [{ picture: { large: `${baseUrl}/portraits/${seed}.jpg` } }], info: { seed: String(seed) } },
        ),
      );
      return;
    }
    res.setHeader("content-type", "image/jpeg");
    res.end(JPEG);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    seeds,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The service an example talks to: `baseUrl`, and the stand-in to stop when done (if it started one). */
export interface ExampleApi extends AsyncDisposable {
  readonly baseUrl: string;
  /** True when it is the local stand-in. */
  readonly local: boolean;
}

/**
 * Reads an example's command line — `--real`, `--base-url URL`, or a URL alone — and returns the service
 * to talk to, starting the local stand-in when none is named; prints one line saying which it uses.
 * `await using` stops the stand-in at the end of the scope.
 */
export async function exampleApi(
  args: readonly string[] = process.argv.slice(2),
  say: (line: string) => void = console.log,
): Promise<ExampleApi> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { real: { type: "boolean" }, "base-url": { type: "string" } },
    allowPositionals: true,
  });
  const named = values["base-url"] ?? positionals[0];
  if (values.real && named !== undefined) throw new TypeError(`--real and a base URL (${named}): choose one`);
  if (named !== undefined && !URL.canParse(named)) {
    throw new TypeError(`not a base URL: "${named}" (expected e.g. http://127.0.0.1:8080, or --real)`);
  }
  const remote = values.real ? RANDOMUSER_URL : named?.replace(/\/+$/, "");
  if (remote !== undefined) {
    say(`Using ${remote}${values.real ? " (the real randomuser.me)" : ""}`);
    return { baseUrl: remote, local: false, [Symbol.asyncDispose]: async () => {} };
  }
  const api = await startRandomUser();
  say(`Using a local stand-in for randomuser.me at ${api.baseUrl} (--real for the real one)`);
  return { baseUrl: api.baseUrl, local: true, [Symbol.asyncDispose]: () => api.close() };
}
