import { describe, expect, it } from "vitest";
import { packRun, unpackRun } from "./_run_codec.ts";

function roundTrip(flat: unknown[]): unknown[] {
  const out: unknown[] = [];
  unpackRun(structuredClone(packRun(flat, undefined)), (id, key, args, flags) => out.push(id, key, args, flags));
  return out;
}

describe("run codec", () => {
  it("sends a uniform batch in columns: one id, one key, one arity, one array per argument", () => {
    const flat = [7, 1, [10], 0, 8, 1, [11], 0, 9, 1, [12], 0];
    const message = packRun(flat, undefined);
    expect(message).toEqual([null, 3, 7, 1, 0, 1, [10, 11, 12]]); // no definitions: null, which JSON carries
    expect(roundTrip(flat)).toEqual(flat);
  });

  it("sends a single call with one column per argument", () => {
    const flat = [42, 3, [5, "x"], 4];
    expect(packRun(flat, [[3, "file:///t.js", "f"]])).toEqual([[[3, "file:///t.js", "f"]], 1, 42, 3, 4, 2, [5], ["x"]]);
    expect(roundTrip(flat)).toEqual(flat);
    expect(roundTrip([43, 3, [], 0])).toEqual([43, 3, [], 0]);
  });

  it("keeps per-call ids, keys, flags and argument counts when they differ", () => {
    const flat = [3, 1, [1, "a"], 0, 5, 2, [], 4, 6, 1, [{ x: 1 }, undefined, null], 1];
    expect(roundTrip(flat)).toEqual(flat);
    const [, n, ids, keys, , arity] = packRun(flat, undefined);
    expect(n).toBe(3);
    expect(ids).toEqual([3, 5, 6]);
    expect(keys).toEqual([1, 2, 1]);
    expect(arity).toEqual([2, 0, 3]);
  });

  it("builds packed arrays (V8 serializes a holey array as index/value pairs), also when arities vary", async () => {
    const { serialize } = await import("node:v8");
    const flat = [1, 1, [1, 2], 0, 2, 1, [3], 0, 3, 1, [4, 5, 6], 0, 4, 1, [7, 8], 0];
    const message = packRun(flat, undefined);
    expect(roundTrip(flat)).toEqual(flat);
    // after V8's 2-byte header, "A" (0x41) opens a dense array; "a" (0x61) the sparse form of a holey one
    for (const part of message.slice(2)) if (Array.isArray(part)) expect(serialize(part)[2]).toBe(0x41);
    expect(message.slice(6)).toEqual([
      [1, 3, 4, 7],
      [2, undefined, 5, 8],
      [undefined, undefined, 6],
    ]);
  });
});
