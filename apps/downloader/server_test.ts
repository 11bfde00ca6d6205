import jpeg from "jpeg-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type RandomUserServer, SERVICE_ERROR_MESSAGE, startServer, TRICKLE_PARTS } from "./server.ts";

/** How long to wait for a request to reach a server: generous, for a loaded machine. */
const WAIT = { timeout: 15_000, interval: 10 };

const servers: RandomUserServer[] = [];
async function serve(options: Parameters<typeof startServer>[0] = {}): Promise<RandomUserServer> {
  const server = await startServer(options);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field below.
async function getJson(url: string): Promise<{ status: number; body: any; type: string | null }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json(), type: response.headers.get("content-type") };
}

describe("startServer()", () => {
  it("listens on 127.0.0.1 on a free port", async () => {
    const server = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers /api/ with results and info like randomuser.me 1.4", async () => {
    const server = await serve();
    const { status, body, type } = await getJson(`${server.url}/api/?seed=123`);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(body.info).toEqual({ seed: "123", results: 1, page: 1, version: "1.4" });
    expect(body.results).toHaveLength(1);
    const user = body.results[0];
    expect(Object.keys(user).sort()).toEqual(
      [
        "cell",
        "dob",
        "email",
        "gender",
        "id",
        "location",
        "login",
        "name",
        "nat",
        "phone",
        "picture",
        "registered",
      ].sort(),
    );
    expect(user.gender).toMatch(/^(male|female)$/);
    expect(user.login.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(user.email).toBe(`${user.name.first}.${user.name.last}@example.com`.toLowerCase());
    const folder = user.gender === "male" ? "men" : "women";
    expect(user.picture.large).toMatch(new RegExp(`^${server.url}/api/portraits/${folder}/\\d{1,2}\\.jpg$`));
    expect(user.picture.medium).toBe(user.picture.large.replace("/portraits/", "/portraits/med/"));
    expect(user.picture.thumbnail).toBe(user.picture.large.replace("/portraits/", "/portraits/thumb/"));
  });

  it("gives the same user for the same seed, across requests and servers", async () => {
    const a = await serve();
    const b = await serve();
    const first = (await getJson(`${a.url}/api/?seed=456`)).body.results[0];
    const again = (await getJson(`${a.url}/api/?seed=456`)).body.results[0];
    const elsewhere = (await getJson(`${b.url}/api/?seed=456`)).body.results[0];
    expect(again).toEqual(first);
    const strip = (u: { picture: unknown }) => ({ ...u, picture: undefined });
    expect(strip(elsewhere)).toEqual(strip(first));
    expect(elsewhere.picture.large.replace(b.url, "")).toBe(first.picture.large.replace(a.url, ""));
    const other = (await getJson(`${a.url}/api/?seed=789`)).body.results[0];
    expect(other.login.uuid).not.toBe(first.login.uuid);
  });

  it("serves /api, /api/ and /api/1.4/ alike, and 404 for other paths", async () => {
    const server = await serve();
    const users = await Promise.all(
      ["/api?seed=7", "/api/?seed=7", "/api/1.4/?seed=7", "/api/1.4?seed=7"].map(
        async (path) => (await getJson(server.url + path)).body.results[0],
      ),
    );
    for (const user of users) expect(user).toEqual(users[0]);
    for (const path of ["/", "/api/1.3/", "/apix", "/api/portraits/men/100.jpg", "/api/portraits/cats/1.jpg"]) {
      expect((await fetch(server.url + path)).status, path).toBe(404);
    }
  });

  it("answers 405 to methods other than GET and HEAD", async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/api/`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("returns `results` users, paginated by `page`", async () => {
    const server = await serve();
    const five = (await getJson(`${server.url}/api/?seed=s&results=5`)).body;
    expect(five.results).toHaveLength(5);
    expect(five.info.results).toBe(5);
    expect(new Set(five.results.map((u: { login: { uuid: string } }) => u.login.uuid)).size).toBe(5);
    const one = (await getJson(`${server.url}/api/?seed=s&results=1`)).body.results[0];
    expect(one).toEqual(five.results[0]);
    const page2 = (await getJson(`${server.url}/api/?seed=s&results=2&page=2`)).body;
    expect(page2.info.page).toBe(2);
    expect(page2.results).toEqual(five.results.slice(2, 4));
    expect((await getJson(`${server.url}/api/?seed=s&results=5000&inc=nat`)).body.results).toHaveLength(5000);
  });

  it.each(["0", "5001", "abc", "2.5", "-3"])("falls back to 1 result for results=%s", async (results) => {
    const server = await serve();
    const body = (await getJson(`${server.url}/api/?seed=x&results=${results}`)).body;
    expect(body.results).toHaveLength(1);
    expect(body.info.results).toBe(1);
  });

  it("filters by gender and nat", async () => {
    const server = await serve();
    const women = (await getJson(`${server.url}/api/?seed=g&results=20&gender=female`)).body.results;
    expect(women.every((u: { gender: string; picture: { large: string } }) => u.gender === "female")).toBe(true);
    expect(women.every((u: { picture: { large: string } }) => u.picture.large.includes("/women/"))).toBe(true);
    const nats = (await getJson(`${server.url}/api/?seed=n&results=30&nat=fr,GB,zz`)).body.results.map(
      (u: { nat: string }) => u.nat,
    );
    expect(new Set(nats)).toEqual(new Set(["FR", "GB"]));
  });

  it("keeps only `inc` fields, drops `exc` fields, and omits info with `noinfo`", async () => {
    const server = await serve();
    const inc = (await getJson(`${server.url}/api/?seed=1&inc=picture,name`)).body;
    expect(Object.keys(inc.results[0]).sort()).toEqual(["name", "picture"]);
    const exc = (await getJson(`${server.url}/api/?seed=1&exc=login,id`)).body;
    expect(exc.results[0]).not.toHaveProperty("login");
    expect(exc.results[0]).not.toHaveProperty("id");
    expect(exc.results[0]).toHaveProperty("email");
    const noinfo = (await getJson(`${server.url}/api/?seed=1&noinfo`)).body;
    expect(noinfo).not.toHaveProperty("info");
    expect(noinfo.results).toHaveLength(1);
  });

  it("invents a seed when none is given, and that seed reproduces the users", async () => {
    const server = await serve();
    const body = (await getJson(`${server.url}/api/?results=2`)).body;
    expect(body.info.seed).toMatch(/^[0-9a-f]{16}$/);
    const again = (await getJson(`${server.url}/api/?results=2&seed=${body.info.seed}`)).body;
    expect(again.results).toEqual(body.results);
  });

  it("serves JPEG portraits of 128, 72 and 48 pixels, the same bytes each time", async () => {
    const server = await serve();
    const sizes: Array<[string, number]> = [
      ["/api/portraits/men/83.jpg", 128],
      ["/api/portraits/med/men/83.jpg", 72],
      ["/api/portraits/thumb/men/83.jpg", 48],
    ];
    for (const [path, side] of sizes) {
      const response = await fetch(server.url + path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/jpeg");
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      expect(Number(response.headers.get("content-length"))).toBe(bytes.byteLength);
      const image = jpeg.decode(bytes, { useTArray: true });
      expect([image.width, image.height]).toEqual([side, side]);
      const again = new Uint8Array(await (await fetch(server.url + path)).arrayBuffer());
      expect(again).toEqual(bytes);
    }
    const other = new Uint8Array(await (await fetch(`${server.url}/api/portraits/women/83.jpg`)).arrayBuffer());
    const first = new Uint8Array(await (await fetch(`${server.url}/api/portraits/men/83.jpg`)).arrayBuffer());
    expect(other).not.toEqual(first);
  });

  it("serves the picture a user points at", async () => {
    const server = await serve();
    const user = (await getJson(`${server.url}/api/?seed=333`)).body.results[0];
    const response = await fetch(user.picture.large);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
  });

  it("fails like the service for `failSeeds`: status 500 and { error }", async () => {
    const server = await serve({ failSeeds: [456, "bad"] });
    for (const seed of ["456", "bad"]) {
      const { status, body } = await getJson(`${server.url}/api/?seed=${seed}`);
      expect(status).toBe(500);
      expect(body).toEqual({ error: SERVICE_ERROR_MESSAGE });
      expect(body.error).toMatch(/^Uh oh, something has gone wrong\./);
    }
    expect((await getJson(`${server.url}/api/?seed=123`)).status).toBe(200);
  });

  it("fails a `failRate` share of the API requests, drawn from `random`", async () => {
    const draws = [0.1, 0.9, 0.2, 0.7];
    const server = await serve({ failRate: 0.5, random: () => draws.shift() ?? 0 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${server.url}/api/?seed=${i}`)).status);
    expect(statuses).toEqual([500, 200, 500, 200]);
    const always = await serve({ failRate: 1 });
    expect((await getJson(`${always.url}/api/?seed=1`)).body.error).toBe(SERVICE_ERROR_MESSAGE);
    expect((await fetch(`${always.url}/api/portraits/men/1.jpg`)).status).toBe(200);
  });

  it("fails the first `failFirst` API requests with 500, then answers", async () => {
    const server = await serve({ failFirst: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.url}/api/?seed=1`)).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it("answers 429 with Retry-After beyond `rateLimit` API requests a second; pictures are not limited", async () => {
    const server = await serve({ rateLimit: 2 });
    const answers = await Promise.all([1, 2, 3].map((i) => fetch(`${server.url}/api/?seed=${i}`)));
    const limited = answers.find((a) => a.status === 429) as Response;
    // the three arrive within a second on any machine: the window starts with the first
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429]);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(((await limited.json()) as { error: string }).error).toMatch(/Too many requests/);
    expect((await fetch(`${server.url}/api/portraits/men/1.jpg`)).status).toBe(200);
  });

  it("cuts the first `dropFirst` pictures off half-way", async () => {
    const server = await serve({ dropFirst: 1 });
    const cut = await fetch(`${server.url}/api/portraits/men/1.jpg`);
    await expect(cut.arrayBuffer()).rejects.toThrow(TypeError);
    const whole = await fetch(`${server.url}/api/portraits/men/1.jpg`);
    expect((await whole.arrayBuffer()).byteLength).toBe(Number(whole.headers.get("content-length")));
  });

  it("never answers a `stall` share of the API requests, until closed", async () => {
    const server = await serve({ stall: 1 });
    const settled = fetch(`${server.url}/api/?seed=1`).then(
      () => "answered",
      () => "failed",
    );
    await vi.waitFor(() => expect(server.stats().inFlight).toBe(1), WAIT);
    await server.close();
    expect(await settled).toBe("failed");
  });

  it("answers after `latency` ms", async () => {
    const server = await serve({ latency: 80 });
    const started = performance.now();
    await (await fetch(`${server.url}/api/?seed=1`)).json();
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("sends a picture in TRICKLE_PARTS parts, `trickle` ms apart, the first at once", async () => {
    const server = await serve({ trickle: 600_000 });
    const whole = await (await fetch(`${(await serve()).url}/api/portraits/men/1.jpg`)).arrayBuffer();
    const response = await fetch(`${server.url}/api/portraits/men/1.jpg`);
    expect(response.headers.get("content-length")).toBe(String(whole.byteLength));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBe(Math.ceil(whole.byteLength / TRICKLE_PARTS));
    const rest = reader.read().then(
      () => "more",
      () => "cut off",
    );
    await server.close(); // drops the pending parts
    expect(await rest).toBe("cut off");
    const quick = await serve({ trickle: 1 });
    expect((await (await fetch(`${quick.url}/api/portraits/men/1.jpg`)).arrayBuffer()).byteLength).toBe(
      whole.byteLength,
    );
  });

  it("counts requests in flight, and close() drops delayed answers at once", async () => {
    const server = await serve({ latency: 600_000 });
    const pending = fetch(`${server.url}/api/?seed=1`);
    const settled = pending.then(
      () => "answered",
      () => "failed",
    );
    await vi.waitFor(() => expect(server.stats().inFlight).toBe(1), WAIT);
    expect(server.stats()).toEqual({ requests: 1, inFlight: 1, maxInFlight: 1 });
    await server.close();
    await server.close();
    expect(await settled).toBe("failed");
  });

  it("stops with `await using`", async () => {
    let url: string;
    {
      await using server = await startServer();
      url = server.url;
      expect((await fetch(`${url}/api/?seed=1`)).status).toBe(200);
    }
    await expect(fetch(`${url}/api/?seed=1`)).rejects.toThrow(TypeError);
  });

  it.each([
    [{ latency: -1 }, /latency .* received -1/],
    [{ latency: Number.NaN }, /latency .* received NaN/],
    [{ failRate: 1.5 }, /failRate .* received 1.5/],
    [{ trickle: -5 }, /trickle .* received -5/],
    [{ stall: 2 }, /stall .* received 2/],
    [{ failFirst: -1 }, /failFirst .* received -1/],
    [{ dropFirst: 1.5 }, /dropFirst .* received 1.5/],
    [{ rateLimit: -3 }, /rateLimit .* received -3/],
  ])("rejects bad options %o with a RangeError", async (options, message) => {
    await expect(startServer(options)).rejects.toThrow(RangeError);
    await expect(startServer(options)).rejects.toThrow(message);
  });
});
