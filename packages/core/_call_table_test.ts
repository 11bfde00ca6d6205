import { describe, expect, it } from "vitest";
import { CallTable } from "./_call_table.ts";

describe("CallTable", () => {
  it("adds, finds and removes calls like a Map, through growth and overflow", () => {
    const table = new CallTable<string>();
    const reference = new Map<number, string>();
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let next = 1;
    const stuck = new Set([3, 40, 5000]); // calls that stay in flight while many others pass
    const live: number[] = []; // in-flight ids that may finish, oldest first
    for (let step = 0; step < 300_000; step++) {
      if (random() < 0.5 || live.length === 0) {
        const id = next++;
        table.add(id, `call ${id}`);
        reference.set(id, `call ${id}`);
        if (!stuck.has(id)) live.push(id);
      } else {
        // finish a recent call most of the time, the oldest one sometimes
        const at = random() < 0.9 ? live.length - 1 - Math.floor(random() * Math.min(8, live.length)) : 0;
        const [id] = live.splice(at, 1);
        if (!table.delete(id!)) throw new Error(`call ${id} was not found`);
        reference.delete(id!);
      }
      if (step % 997 === 0) {
        expect(table.size).toBe(reference.size);
        for (const id of stuck) expect(table.get(id)).toBe(reference.get(id));
      }
    }
    expect(next).toBeGreaterThan(140_000); // the ring had to overflow around the stuck calls
    expect(table.size).toBe(reference.size);
    for (const [id, value] of reference) expect(table.get(id)).toBe(value);
    expect(table.get(next)).toBeUndefined();
    expect(table.delete(next + 5)).toBe(false);
    const drained = table.drain();
    expect(drained.sort()).toEqual([...reference.values()].sort());
    expect(table.size).toBe(0);
    table.add(next, "after");
    expect(table.get(next)).toBe("after");
  });

  it("refuses an id that does not increase", () => {
    const table = new CallTable<number>();
    table.add(5, 5);
    expect(() => table.add(5, 5)).toThrow(RangeError);
    table.delete(5);
    table.add(9, 9);
    expect(table.has(9)).toBe(true);
    expect(table.has(5)).toBe(false);
  });
});
