import { availableParallelism } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { adoptLingerClaims, claimLinger, lingerClaims, releaseLinger } from "./_linger.ts";
import { WorkerConnection } from "./connection.ts";
import { task } from "./task.ts";
import type * as Fixtures from "./testdata/tasks.ts";
import { spawnWorker } from "./transport.ts";

const fixtures = new URL("./testdata/tasks.ts", import.meta.url);
const square = task<typeof Fixtures.square>(fixtures, "square");

describe("lingering claims", () => {
  it("grants as many claims as there are cells, and gives back only the owner's", () => {
    const cells = new Int32Array(new SharedArrayBuffer(8));
    expect(claimLinger(cells, 7)).toBe(0);
    expect(claimLinger(cells, 8)).toBe(1);
    expect(claimLinger(cells, 9)).toBe(-1); // enough threads linger already
    releaseLinger(cells, 9, 1); // not its cell: nothing changes
    expect([...cells]).toEqual([7, 8]);
    releaseLinger(cells, 8, 1);
    expect(claimLinger(cells, 9)).toBe(1);
    releaseLinger(cells, 7); // by owner, whichever cell it holds
    expect([...cells]).toEqual([0, 9]);
  });

  it.skipIf(availableParallelism() < 2)("is one array per process: a worker thread adopts its host's", async () => {
    const mine = lingerClaims();
    adoptLingerClaims(new Int32Array(new SharedArrayBuffer(4))); // already set here: kept
    expect(lingerClaims()).toBe(mine);
    const connection = new WorkerConnection(spawnWorker({ kind: "thread", lingerMs: 0.05 }));
    const first = task<typeof Fixtures.firstLingerClaim>(fixtures, "firstLingerClaim");
    try {
      // no thread has id 0x7ff0: the worker sees it only if it holds this very array
      expect(Atomics.compareExchange(mine, 0, 0, 0x7ff0)).toBe(0);
      expect(await connection.run(first, [])).toBe(0x7ff0);
    } finally {
      Atomics.compareExchange(mine, 0, 0x7ff0, 0);
      await connection.close();
    }
  });

  it("leaves a core to the host: one claim fewer than the machine has cores (none on one core)", () => {
    expect(lingerClaims().length).toBe(availableParallelism() - 1);
    expect(claimLinger(new Int32Array(new SharedArrayBuffer(0)), 5)).toBe(-1);
  });

  it.each(["terminate", "close"] as const)(
    "a thread stopped while it lingers (%s) gives its claim back",
    async (how) => {
      const transport = spawnWorker({ kind: "thread", lingerMs: 600_000 });
      const connection = new WorkerConnection(transport);
      expect(await connection.run(square, [4])).toBe(16);
      // idle now, the worker lingers (for ten minutes) and holds a claim
      await vi.waitFor(() => expect([...lingerClaims()]).toContain(transport.id), { timeout: 10_000, interval: 5 });
      expect(await connection.run(square, [5])).toBe(25); // a lingering worker still answers
      await vi.waitFor(() => expect([...lingerClaims()]).toContain(transport.id), { timeout: 10_000, interval: 5 });
      if (how === "terminate") await transport.terminate();
      else await connection.close();
      expect([...lingerClaims()]).not.toContain(transport.id);
    },
  );
});
