// The n9 programs' service: a local stand-in for randomuser.me unless told otherwise, so they run offline.
// `--real` asks the real service; `--base-url URL`, or the URL alone (as before), asks that one. The tests
// start the same stand-in, with a gate that makes concurrency visible.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";

/** The real service. */
export const RANDOMUSER_URL = "https://randomuser.me";

/** Every stand-in portrait: a real 16×16 JPEG (a face on a blue ground), so a saved file opens. */
export const JPEG: Uint8Array = new Uint8Array(
  Buffer.from(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk8BDg4OExETJhUVJk81LTVPT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT//AABEIABAAEAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/ANe2iWRiW6DtW+LrSppKPUyw1KNRty6BcxLGwK9D2owlaVRNS6BiaUabTj1KNxqDWDIVTfvzkE46f/rrepRjVVpGdKcoO6C31Br9nLJs2YwAc9f/ANVFOjGkrRCrOU3dn//Z",
    "base64",
  ),
);

/** Options of {@linkcode startStandIn}. */
export interface StandInOptions {
  /**
   * Holds user answers until this many are waiting, then answers them together (a 2 s fallback keeps a
   * sequential client going), so a concurrent client shows as concurrent. 1 answers at once.
   * @default {1}
   */
  gate?: number;
  /** A seed answered with the service's `{ error }`. */
  errorSeed?: number;
}

/** A running stand-in. */
export interface StandIn {
  readonly baseUrl: string;
  /** The most requests it had in flight at once. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 (a free port); users' pictures point back at it. */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const { gate = 1, errorSeed } = options;
  let inFlight = 0;
  let held: (() => void)[] = [];
  let fallback: ReturnType<typeof setTimeout> | undefined;
  const state = { baseUrl: "", maxInFlight: 0 };
  const answerHeld = (): void => {
    clearTimeout(fallback);
    const ready = held;
    held = [];
    for (const answer of ready) answer();
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on("finish", () => inFlight--);
    const url = new URL(req.url ?? "/", state.baseUrl);
    if (url.pathname !== "/api/") {
      res.setHeader("content-type", "image/jpeg");
      res.end(JPEG);
      return;
    }
    const seed = Number(url.searchParams.get("seed"));
    held.push(() => {
      res.setHeader("content-type", "application/json");
      const user = { picture: { large: `${state.baseUrl}/portraits/${seed}.jpg` } };
      res.end(JSON.stringify(seed === errorSeed ? { error: "Uh oh, something has gone wrong." } : { results: [user] }));
    });
    if (held.length >= gate) answerHeld();
    else {
      clearTimeout(fallback);
      fallback = setTimeout(answerHeld, 2000);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get baseUrl() {
      return state.baseUrl;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close() {
      clearTimeout(fallback);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The service a program's command line names — `--real`, `--base-url URL` or a URL alone — or else a
 * stand-in started here; one line says which. Disposing it (`await using`) stops the stand-in.
 */
export async function exampleApi(
  argv: readonly string[] = process.argv.slice(2),
  print: (line: string) => void = console.log,
): Promise<{ readonly baseUrl: string; readonly local: boolean } & AsyncDisposable> {
  const parsed = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { "base-url": { type: "string" }, real: { type: "boolean" } },
  });
  const given = parsed.values["base-url"] ?? parsed.positionals[0];
  if (given !== undefined && parsed.values.real) throw new TypeError(`--real and a base URL (${given}): choose one`);
  if (given !== undefined && !URL.canParse(given)) {
    throw new TypeError(`not a base URL: "${given}" (expected e.g. http://127.0.0.1:8080, or --real)`);
  }
  if (parsed.values.real || given !== undefined) {
    const baseUrl = parsed.values.real ? RANDOMUSER_URL : (given as string).replace(/\/+$/, "");
    print(parsed.values.real ? `Using ${baseUrl} (the real randomuser.me)` : `Using ${baseUrl}`);
    return { baseUrl, local: false, async [Symbol.asyncDispose]() {} };
  }
  const standIn = await startStandIn();
  print(`Using a local stand-in for randomuser.me at ${standIn.baseUrl} (--real for the real one)`);
  return { baseUrl: standIn.baseUrl, local: true, [Symbol.asyncDispose]: () => standIn.close() };
}
