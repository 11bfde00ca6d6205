import { CancelledError, CloneError, RemoteError, TimeoutError } from "@cc/core";
import { describe, expect, test } from "vitest";
import { decodeThrown, decodeValue, encodeThrown, encodeValue } from "./_codec.ts";
import { defaultModuleName } from "./_protocol.ts";

const roundTrip = (value: unknown) => decodeValue(JSON.parse(JSON.stringify(encodeValue(value))));

describe("the JSON codec of job data and results", () => {
  test("plain JSON travels as is, without a copy", () => {
    const value = { a: [1, "x", true, null], b: { c: 2 } };
    expect(encodeValue(value)).toBe(value);
  });

  test("what JSON cannot say is kept", () => {
    const value = {
      u: undefined,
      big: 12345678901234567890n,
      nan: Number.NaN,
      inf: Number.NEGATIVE_INFINITY,
      negZero: -0,
      date: new Date(7),
      map: new Map<unknown, unknown>([["k", new Set([1])]]),
      re: /a+b/gi,
      bytes: new Float64Array([1.5, -2]),
      buf: Buffer.from([1, 2, 3]),
      ab: new Uint8Array([9]).buffer,
      tagLike: { $cc: "u" },
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect(back.bytes).toBeInstanceOf(Float64Array);
    expect(Buffer.isBuffer(back.buf)).toBe(true);
    expect(back.tagLike).toEqual({ $cc: "u" });
  });

  test("a function or a symbol fails with a CloneError naming its path; so does a cycle", () => {
    expect(() => encodeValue([{ cb: () => 1 }], "args")).toThrow(CloneError);
    expect(() => encodeValue([{ cb: () => 1 }], "args")).toThrow("args[0].cb");
    expect(() => encodeValue({ s: Symbol("x") })).toThrow("value.s");
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encodeValue(cycle)).toThrow(/circular/);
  });

  test("errors keep class, name, message, stack, cause, errors and own properties", () => {
    class ValidationError extends Error {
      field = "id";
    }
    const error = new ValidationError("bad", { cause: new TypeError("deep") });
    const back = decodeThrown(JSON.parse(JSON.stringify(encodeThrown(error)))) as RemoteError & { field: string };
    expect(back).toBeInstanceOf(RemoteError);
    expect(back.remoteClass).toBe("ValidationError");
    expect(back.message).toBe("bad");
    expect(back.field).toBe("id");
    expect(back.stack).toBe(error.stack);
    expect(back.cause).toBeInstanceOf(TypeError);
    // cc's own errors come back as themselves; a RemoteError keeps its original class
    expect(decodeThrown(JSON.parse(JSON.stringify(encodeThrown(new TimeoutError("late")))))).toBeInstanceOf(
      TimeoutError,
    );
    expect(decodeThrown(encodeThrown(new CancelledError()))).toBeInstanceOf(CancelledError);
    const again = decodeThrown(encodeThrown(back)) as RemoteError;
    expect(again.remoteClass).toBe("ValidationError");
    const agg = decodeThrown(encodeThrown(new AggregateError([new RangeError("r")], "many"))) as AggregateError;
    expect(agg.errors[0]).toBeInstanceOf(RangeError);
    expect(decodeThrown(encodeThrown("a string"))).toBe("a string");
  });

  test("a module's default name is its file name without the extension", () => {
    expect(defaultModuleName("file:///srv/app/dist/tasks.js")).toBe("tasks");
    expect(defaultModuleName("/home/me/app/src/tasks.ts")).toBe("tasks");
    expect(() => defaultModuleName("/x/my.tasks.ts")).toThrow(/name it explicitly/);
  });
});
