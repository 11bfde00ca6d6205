import { describe, expect, it } from "vitest";
import { findUncloneable } from "./_clone.ts";

describe("findUncloneable()", () => {
  it("returns undefined for cloneable values", () => {
    expect(findUncloneable([1, "a", { b: [new Map([[1, new Date()]])] }], "args")).toBeUndefined();
  });

  it("names the path of the offending value", () => {
    expect(findUncloneable([{ id: 1, callback: () => 1 }], "args")).toEqual({
      path: "args[0].callback",
      what: "a function (callback)",
    });
    expect(findUncloneable({ nested: { "odd key": Symbol("s") } }, "result")?.path).toBe('result.nested["odd key"]');
    expect(findUncloneable(new Map([["k", () => 1]]), "args")?.path).toBe('args.get("k")');
    expect(findUncloneable([new Set([1, new WeakMap()])], "args")).toEqual({
      path: "args[0].values()[1]",
      what: "a WeakMap",
    });
  });

  it("survives cycles", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    a.fn = () => 1;
    expect(findUncloneable(a, "args")?.path).toBe("args.fn");
  });
});
