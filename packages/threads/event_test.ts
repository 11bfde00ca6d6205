import { InvalidStateError, SHAREABLE } from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Event } from "./event.ts";
import { share, spawn, terminateAll } from "./testdata/workers.ts";

afterEach(async () => {
  vi.useRealTimers();
  await terminateAll();
});

describe("Event", () => {
  it("set(), isSet() and clear()", () => {
    const event = new Event();
    expect(event.isSet()).toBe(false);
    event.set();
    expect(event.isSet()).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
  });

  it("wait() resolves true at once when set, and after set() otherwise", async () => {
    const event = new Event();
    const waiting = event.wait();
    event.set();
    expect(await waiting).toBe(true);
    expect(await event.wait()).toBe(true);
  });

  it("wait({ timeout }) resolves false when the timeout passes (fake timers)", async () => {
    vi.useFakeTimers();
    const event = new Event();
    const waiting = event.wait({ timeout: 500 });
    await vi.advanceTimersByTimeAsync(500);
    expect(await waiting).toBe(false);
  });

  it("wait({ signal }) rejects with the reason", async () => {
    const controller = new AbortController();
    const waiting = new Event().wait({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
  });

  it("waitSync() throws InvalidStateError on the main thread", () => {
    expect(() => new Event().waitSync()).toThrow(InvalidStateError);
  });

  it("fromShared(structuredClone(state)) shares the flag", () => {
    const event = new Event();
    const handle = event[SHAREABLE]();
    expect(handle.name).toBe("Event");
    Event.fromShared(structuredClone(handle.state)).set();
    expect(event.isSet()).toBe(true);
  });

  it("set() on the main thread wakes workers blocked in waitSync()", async () => {
    const event = new Event();
    const waiters = Array.from({ length: 3 }, () => spawn("event_waiter.mjs", { event: share(event) }));
    for (const w of waiters) expect(await w.next()).toBe("waiting");
    event.set();
    for (const w of waiters) expect(await w.next()).toBe(true);
  });

  it("waitSync({ timeout }) in a worker returns false when nobody sets the event", async () => {
    const waiter = spawn("event_waiter.mjs", { event: share(new Event()), options: { timeout: 20 } });
    expect(await waiter.next()).toBe("waiting");
    expect(await waiter.next()).toBe(false);
  });

  it("wait() on the main thread wakes when a worker sets the event", async () => {
    const event = new Event();
    const waiting = event.wait();
    spawn("call.mjs", { primitive: share(event), method: "set" });
    expect(await waiting).toBe(true);
  });
});
