import { availableParallelism } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { adoptLingerClaims, claimLinger, lingerClaims, lingerOwners, releaseLinger } from "./_linger.ts";
import { WorkerConnection } from "./connection.ts";
import { task } from "./task.ts";
import type * as Fixtures from "./testdata/tasks.ts";
import { spawnWorker } from "./transport.ts";

const fixtures = new URL("./testdata/tasks.ts", import.meta.url);
const square = task<typeof Fixtures.square>(fixtures, "square");
const cellsOf = (n: number) => new BigInt64Array(new SharedArrayBuffer(8 * n));
const manyCores = availableParallelism() >= 2; // on one core nothing lingers

describe("lingering claims", () => {
  it("grants as many claims as there are cells, and gives back only the owner's", () => {
    const cells = cellsOf(2);
    expect(claimLinger(cells, 7, 50)).toBe(0);
    expect(claimLinger(cells, 8, 50)).toBe(1);
    expect(claimLinger(cells, 9, 50)).toBe(-1); // enough threads linger already
    releaseLinger(cells, 9, 1); // not its cell: nothing changes
    expect(lingerOwners(cells)).toEqual([7, 8]);
    releaseLinger(cells, 8, 1);
    expect(claimLinger(cells, 9, 50)).toBe(1);
    releaseLinger(cells, 7); // by owner, whichever cell it holds
    expect(lingerOwners(cells)).toEqual([9]);
  });

  it("lets an expired claim be taken over (its thread died where no host could give it back)", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const cells = cellsOf(1);
      expect(claimLinger(cells, 7, 50)).toBe(0);
      vi.setSystemTime(Date.now() + 500);
      expect(claimLinger(cells, 8, 50)).toBe(-1); // within its time and grace
      vi.setSystemTime(Date.now() + 5_000);
      expect(claimLinger(cells, 8, 50)).toBe(0);
      expect(lingerOwners(cells)).toEqual([8]);
      releaseLinger(cells, 7, 0); // the dead owner's late release does not free the new owner's claim
      expect(lingerOwners(cells)).toEqual([8]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("leaves a core to the host: one claim fewer than the machine has cores (none on one core)", () => {
    expect(lingerClaims().length).toBe(availableParallelism() - 1);
    expect(claimLinger(cellsOf(0), 5, 50)).toBe(-1);
  });

  it.skipIf(!manyCores)("is one array per process: a worker thread adopts its host's", async () => {
    const mine = lingerClaims();
    adoptLingerClaims(cellsOf(1)); // already set here: kept
    expect(lingerClaims()).toBe(mine);
    // a worker that does not linger itself still gets it, for the pools it makes
    const connection = new WorkerConnection(spawnWorker({ kind: "thread" }));
    const first = task<typeof Fixtures.firstLingerClaim>(fixtures, "firstLingerClaim");
    // no thread has id 0x7ff0 and the claim lasts an hour: the worker sees it only in this very array
    const sentinel = ((BigInt(Date.now()) + 3_600_000n) << 21n) | 0x7ff0n;
    expect(Atomics.compareExchange(mine, 0, 0n, sentinel)).toBe(0n);
    try {
      expect(await connection.run(first, [])).toBe(sentinel.toString());
    } finally {
      Atomics.compareExchange(mine, 0, sentinel, 0n);
      await connection.close();
    }
  });

  it.skipIf(!manyCores).each(["terminate", "close"] as const)(
    "a thread stopped while it lingers (%s) gives its claim back",
    async (how) => {
      const transport = spawnWorker({ kind: "thread", lingerMs: 600_000 });
      const connection = new WorkerConnection(transport);
      const held = () => expect(lingerOwners(lingerClaims())).toContain(transport.id);
      expect(await connection.run(square, [4])).toBe(16);
      // idle now, the worker lingers (for ten minutes) and holds a claim
      await vi.waitFor(held, { timeout: 10_000, interval: 5 });
      expect(await connection.run(square, [5])).toBe(25); // a lingering worker still answers
      await vi.waitFor(held, { timeout: 10_000, interval: 5 });
      if (how === "terminate") await transport.terminate();
      else await connection.close();
      expect(lingerOwners(lingerClaims())).not.toContain(transport.id);
    },
  );
});
