import { describe, expect, it } from "vitest";
import { SHAREABLE } from "./shareable.ts";
import { cloneCheck, containsSharedMemory, findUncloneable } from "./uncloneable.ts";

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

describe("cloneCheck() and containsSharedMemory()", () => {
  const sab = () => new SharedArrayBuffer(8);

  it("finds shared memory at any depth, and only there", () => {
    expect(containsSharedMemory([1, "a", { b: [new Map([[1, new Uint8Array(2)]])] }])).toBe(false);
    expect(containsSharedMemory(sab())).toBe(true);
    expect(containsSharedMemory([{ deep: new Map([["k", new Set([new Int32Array(sab())])]]) }])).toBe(true);
    const lock = (state: unknown) => ({ $ccShared: { url: "file:///x.js", name: "Lock", state } });
    expect(containsSharedMemory(lock(new Int32Array(sab())))).toBe(true);
    expect(containsSharedMemory(lock({ plain: 1 }))).toBe(false); // a shareable that copies (a Process)
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(containsSharedMemory(cyclic)).toBe(false);
  });

  it("a thread accepts shared memory; a child process refuses it with the path of the shared value", () => {
    const value = { counters: [new Int32Array(sab())] };
    expect(findUncloneable(value, "args")).toBeUndefined();
    expect(findUncloneable(value, "args", cloneCheck("process"))).toEqual({
      path: "args.counters[0]",
      what: "an Int32Array on a SharedArrayBuffer",
    });
    expect(findUncloneable([sab()], "args", cloneCheck("process"))).toEqual({
      path: "args[0]",
      what: "a SharedArrayBuffer",
    });
    expect(
      findUncloneable(
        [1, { $ccShared: { url: "file:///x.js", name: "Lock", state: [new Int32Array(sab())] } }],
        "args",
        cloneCheck("process"),
      ),
    ).toEqual({ path: "args[1]", what: "a Lock (cc's shared primitives work across threads only)" });
  });

  it("survives malformed and self-referencing shareables", () => {
    expect(containsSharedMemory({ $ccShared: null })).toBe(false);
    expect(containsSharedMemory([{ $ccShared: 5 }])).toBe(false);
    const state: Record<string, unknown> = {};
    const selfish = { [SHAREABLE]: () => ({ url: "file:///x.js", name: "Selfish", state }) };
    state.me = selfish;
    expect(containsSharedMemory(selfish)).toBe(false);
    state.cells = new Int32Array(sab());
    expect(findUncloneable([selfish], "args", cloneCheck("process"))?.path).toBe("args[0]");
    const broken = {
      [SHAREABLE]: () => {
        throw new Error("no module");
      },
    };
    expect(containsSharedMemory([broken])).toBe(false);
  });

  it("a child process refuses what v8.serialize refuses, a thread what structured clone refuses", () => {
    expect(findUncloneable({ f: () => 1 }, "args", cloneCheck("process"))?.path).toBe("args.f");
    expect(
      findUncloneable({ ok: new Uint8Array(4), date: new Date(0) }, "args", cloneCheck("process")),
    ).toBeUndefined();
    expect(() => cloneCheck("fiber" as never)).toThrow('kind must be "thread" or "process", got "fiber"');
  });
});
