/**
 * A local stand-in for randomuser.me: the part of API 1.4 the downloader uses, with generated JPEG portraits.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type PortraitSize, portraitJpeg } from "./_portrait.ts";
import { makeUser, NATIONALITIES, selectFields } from "./_user.ts";

/**
 * The message randomuser.me sends, as `{ "error": … }` with status 500, when it has a problem.
 *
 * @example
 * ```ts
 * import { SERVICE_ERROR_MESSAGE } from "./mod.ts";
 * console.assert(SERVICE_ERROR_MESSAGE.startsWith("Uh oh, something has gone wrong."));
 * ```
 */
export const SERVICE_ERROR_MESSAGE =
  "Uh oh, something has gone wrong. Please tweet us @randomapi about the issue. Thank you.";

/** Options of {@linkcode startServer}. */
export interface ServerOptions {
  /**
   * The interface to listen on.
   * @default {"127.0.0.1"}
   */
  host?: string;
  /**
   * The port; `0` picks a free one.
   * @default {0}
   */
  port?: number;
  /**
   * Milliseconds to wait before answering each request (API and pictures), so concurrency is visible.
   * @default {0}
   */
  latency?: number;
  /**
   * Milliseconds between the parts of a picture: its bytes are sent in {@linkcode TRICKLE_PARTS} parts,
   * the first at once, so a download stays half-written for a while (0: all at once). With a huge value,
   * a client holds a partial picture until it gives up.
   * @default {0}
   */
  trickle?: number;
  /**
   * Seeds whose API request fails like the service does: status 500 and `{ "error": "Uh oh, …" }`.
   * @default {[]}
   */
  failSeeds?: Iterable<string | number>;
  /**
   * The probability (0–1) that any API request fails that way.
   * @default {0}
   */
  failRate?: number;
  /**
   * How many API requests, from the first, fail like the service does (status 500): a burst of errors
   * that a client with retries gets through.
   * @default {0}
   */
  failFirst?: number;
  /**
   * How many picture requests, from the first, are cut off: half the picture is sent, then the
   * connection is dropped.
   * @default {0}
   */
  dropFirst?: number;
  /**
   * The most API requests answered per second (a fixed one-second window); the others get 429 Too Many
   * Requests with `Retry-After` (whole seconds, as servers send it). 0: no limit.
   * @default {0}
   */
  rateLimit?: number;
  /**
   * The probability (0–1) that an API request is never answered (the connection stays open, silent,
   * until the client gives up or the server closes).
   * @default {0}
   */
  stall?: number;
  /**
   * The random source for `failRate`, `stall` and for the seed of a request without one.
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * How many parts a picture is sent in when {@linkcode ServerOptions.trickle} is set.
 *
 * @example
 * ```ts
 * import { TRICKLE_PARTS } from "./server.ts";
 * console.assert(TRICKLE_PARTS === 8);
 * ```
 */
export const TRICKLE_PARTS = 8;

/** Request counters of a running server. */
export interface ServerStats {
  /** Requests received so far. */
  requests: number;
  /** Requests being answered now. */
  inFlight: number;
  /** The highest `inFlight` seen: how many requests a client had open at once. */
  maxInFlight: number;
}

/** A running local server; `close()` (or `await using`) stops it. */
export interface RandomUserServer extends AsyncDisposable {
  /** The origin, e.g. `http://127.0.0.1:39123` (no trailing slash). */
  readonly url: string;
  /** A snapshot of the request counters. */
  stats(): ServerStats;
  /** Stops listening, drops open connections and pending delayed answers. Idempotent. */
  close(): Promise<void>;
}

const API_PATH = /^\/api(?:\/1\.4)?\/?$/;
const PORTRAIT_PATH = /^\/api\/portraits\/(?:(med|thumb)\/)?(men|women)\/(\d{1,2})\.jpg$/;

/**
 * Starts a local HTTP server that answers like randomuser.me for what the downloader uses.
 *
 * `GET /api/` (also `/api`, `/api/1.4/`) takes `seed`, `results` (1–5000; anything else gives 1),
 * `page`, `gender` (`male`/`female`), `nat` (comma-separated codes), `inc`/`exc` (comma-separated
 * fields), `format` (`json` or `pretty`) and `noinfo`, and answers
 * `{ results: [user…], info: { seed, results, page, version: "1.4" } }`. The same seed always gives
 * the same users. `picture.large/medium/thumbnail` point back at this server, which serves generated
 * 128×128, 72×72 and 48×48 JPEG portraits (`Content-Type: image/jpeg`). Other paths answer 404.
 *
 * @param options Where to listen, latency, slow pictures (`trickle`) and injected failures.
 * @returns The running server; its `url` is known once the promise resolves.
 * @throws {RangeError} If `latency` is negative or `failRate` is outside 0–1.
 *
 * @example Fetch a user and its picture
 * ```ts
 * import { startServer } from "./mod.ts";
 * await using server = await startServer();
 * const body = await (await fetch(`${server.url}/api/?seed=123`)).json();
 * const picture = await fetch(body.results[0].picture.large);
 * console.assert(picture.headers.get("content-type") === "image/jpeg");
 * ```
 */
export async function startServer(options: ServerOptions = {}): Promise<RandomUserServer> {
  const {
    host = "127.0.0.1",
    port = 0,
    latency = 0,
    trickle = 0,
    failRate = 0,
    failFirst = 0,
    dropFirst = 0,
    rateLimit = 0,
    stall = 0,
    random = Math.random,
  } = options;
  if (!(Number.isFinite(latency) && latency >= 0)) {
    throw new RangeError(`The latency must be a non-negative number of milliseconds: received ${latency}`);
  }
  if (!(Number.isFinite(trickle) && trickle >= 0)) {
    throw new RangeError(`The trickle must be a non-negative number of milliseconds: received ${trickle}`);
  }
  if (!(failRate >= 0 && failRate <= 1)) {
    throw new RangeError(`The failRate must be between 0 and 1: received ${failRate}`);
  }
  if (!(stall >= 0 && stall <= 1)) {
    throw new RangeError(`The stall must be between 0 and 1: received ${stall}`);
  }
  for (const [name, value] of [
    ["failFirst", failFirst],
    ["dropFirst", dropFirst],
    ["rateLimit", rateLimit],
  ] as const) {
    if (!(Number.isSafeInteger(value) && value >= 0)) {
      throw new RangeError(`The ${name} must be a non-negative integer: received ${value}`);
    }
  }
  let apiRequests = 0;
  let pictureRequests = 0;
  let window = { start: 0, count: 0 };
  const failSeeds = new Set([...(options.failSeeds ?? [])].map(String));
  const stats: ServerStats = { requests: 0, inFlight: 0, maxInFlight: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let origin = "";

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", origin);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" });
      res.end("Method not allowed\n");
      return;
    }
    if (API_PATH.test(url.pathname)) {
      api(url.searchParams, res);
      return;
    }
    const portrait = PORTRAIT_PATH.exec(url.pathname);
    if (portrait) {
      const size: PortraitSize = portrait[1] === "med" ? "medium" : portrait[1] === "thumb" ? "thumbnail" : "large";
      const bytes = portraitJpeg(portrait[2] as "men" | "women", Number(portrait[3]), size);
      res.writeHead(200, {
        "Content-Type": "image/jpeg",
        "Content-Length": bytes.byteLength,
        "Cache-Control": "public, max-age=86400",
        "Access-Control-Allow-Origin": "*",
      });
      if (req.method === "HEAD") res.end();
      else if (++pictureRequests <= dropFirst) {
        res.write(bytes.subarray(0, bytes.byteLength >> 1));
        // let the half leave, then drop the connection
        setImmediate(() => res.destroy());
      } else if (trickle === 0) res.end(bytes);
      else sendInParts(res, bytes);
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("Not found\n");
  };

  const api = (params: URLSearchParams, res: ServerResponse): void => {
    const seed = params.get("seed") || randomSeed(random);
    const pretty = params.get("format") === "pretty";
    const format = params.get("format") ?? "json";
    if (format !== "json" && !pretty) {
      json(res, 400, { error: `This server only speaks json and pretty, not "${format}"` }, false);
      return;
    }
    apiRequests++;
    if (rateLimit > 0) {
      const now = Date.now();
      if (now - window.start >= 1000) window = { start: now, count: 0 };
      if (++window.count > rateLimit) {
        const retryAfter = Math.max(1, Math.ceil((window.start + 1000 - now) / 1000));
        res.setHeader("Retry-After", String(retryAfter));
        json(res, 429, { error: "Too many requests: slow down" }, pretty);
        return;
      }
    }
    if (stall > 0 && random() < stall) return; // never answered
    if (apiRequests <= failFirst || failSeeds.has(seed) || (failRate > 0 && random() < failRate)) {
      json(res, 500, { error: SERVICE_ERROR_MESSAGE }, pretty);
      return;
    }
    const results = intParam(params.get("results"), 1, 5000);
    const page = intParam(params.get("page"), 1, Number.MAX_SAFE_INTEGER);
    const genderParam = params.get("gender");
    const gender = genderParam === "male" || genderParam === "female" ? genderParam : undefined;
    const nat = list(params.get("nat"))
      .map((code) => code.toUpperCase())
      .filter((code) => code in NATIONALITIES);
    const inc = list(params.get("inc"));
    const exc = list(params.get("exc"));
    const users = Array.from({ length: results }, (_, i) =>
      selectFields(makeUser(seed, 1, (page - 1) * results + i, { origin, gender, nat }), inc, exc),
    );
    const body: Record<string, unknown> = { results: users };
    if (!params.has("noinfo")) body.info = { seed, results, page, version: "1.4" };
    json(res, 200, body, pretty);
  };

  const sendInParts = (res: ServerResponse, bytes: Uint8Array): void => {
    const size = Math.ceil(bytes.byteLength / TRICKLE_PARTS);
    let part = 0;
    const next = (): void => {
      const chunk = bytes.subarray(part * size, (part + 1) * size);
      part++;
      if (part >= TRICKLE_PARTS) {
        res.end(chunk);
        return;
      }
      res.write(chunk);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) next();
      }, trickle);
      timers.add(timer);
    };
    next();
  };

  const server = createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.once("close", () => stats.inFlight--);
    if (latency === 0) {
      answer(req, res);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer(req, res);
    }, latency);
    timers.add(timer);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  origin = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return {
    url: origin,
    stats: () => ({ ...stats }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function json(res: ServerResponse, status: number, body: unknown, pretty: boolean): void {
  const text = JSON.stringify(body, null, pretty ? 2 : undefined);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Access-Control-Allow-Origin": "*",
  });
  res.end(res.req.method === "HEAD" ? undefined : text);
}

function intParam(value: string | null, min: number, max: number): number {
  const n = value === null ? Number.NaN : Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : min;
}

function list(value: string | null): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function randomSeed(random: () => number): string {
  if (random === Math.random) return randomBytes(8).toString("hex");
  return Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join("");
}
