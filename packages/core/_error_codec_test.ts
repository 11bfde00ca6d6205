import { describe, expect, it } from "vitest";
import { decodeError, encodeError } from "./_error_codec.ts";
import { CancelledError, RemoteError, TaskLoadError, WorkerExitError } from "./errors.ts";

const roundTrip = (e: unknown) => decodeError(structuredClone(encodeError(e)));

class ParseError extends Error {
  override name = "ParseError";
  line = 12;
}

describe("error codec", () => {
  it("recreates built-in error classes", () => {
    for (const E of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
      const out = roundTrip(new E("m")) as Error;
      expect(out).toBeInstanceOf(E);
      expect(out.message).toBe("m");
      expect(out.stack).toContain("_error_codec_test");
    }
  });

  it("recreates cc's own errors with their fields", () => {
    expect(roundTrip(new CancelledError("c"))).toBeInstanceOf(CancelledError);
    const exit = roundTrip(new WorkerExitError("gone", { exitCode: 2, signal: null })) as WorkerExitError;
    expect(exit).toBeInstanceOf(WorkerExitError);
    expect(exit.exitCode).toBe(2);
    const load = roundTrip(new TaskLoadError("why", { url: "file:///a.js", name: "f" })) as TaskLoadError;
    expect(load.task).toEqual({ url: "file:///a.js", name: "f" });
  });

  it("keeps a custom class's name, message, stack and own properties as a RemoteError", () => {
    const out = roundTrip(new ParseError("unexpected token")) as RemoteError & { line: number };
    expect(out).toBeInstanceOf(RemoteError);
    expect(out).toBeInstanceOf(Error);
    expect(out.name).toBe("ParseError");
    expect(out.remoteClass).toBe("ParseError");
    expect(out.message).toBe("unexpected token");
    expect(out.line).toBe(12);
    expect(out.stack).toContain("ParseError: unexpected token");
  });

  it("keeps cause chains and AggregateError's errors", () => {
    const error = new AggregateError([new TypeError("a"), new ParseError("b")], "two", {
      cause: new Error("root", { cause: "deepest" }),
    });
    const out = roundTrip(error) as AggregateError;
    expect(out).toBeInstanceOf(AggregateError);
    expect(out.errors[0]).toBeInstanceOf(TypeError);
    expect((out.errors[1] as Error).name).toBe("ParseError");
    expect((out.cause as Error).message).toBe("root");
    expect((out.cause as Error).cause).toBe("deepest");
  });

  it("does not mistake a user's class named like one of cc's for cc's", () => {
    class TimeoutError extends Error {
      override name = "TimeoutError";
    }
    const out = roundTrip(new TimeoutError("mine")) as RemoteError;
    expect(out).toBeInstanceOf(RemoteError);
    expect(out.remoteClass).toBe("TimeoutError");
    expect(out.name).toBe("TimeoutError");
    expect(out.message).toBe("mine");
  });

  it("keeps DOMException names such as AbortError", () => {
    const out = roundTrip(new DOMException("stopped", "AbortError")) as DOMException;
    expect(out).toBeInstanceOf(DOMException);
    expect(out.name).toBe("AbortError");
  });

  it("passes thrown non-errors through, stringifying what cannot be cloned", () => {
    expect(roundTrip("text")).toBe("text");
    expect(roundTrip(undefined)).toBe(undefined);
    expect(roundTrip({ code: 7 })).toEqual({ code: 7 });
    expect(roundTrip(() => 1)).toBe("() => 1");
  });

  it("drops own properties that cannot be cloned", () => {
    const error = Object.assign(new Error("x"), { fn: () => 1, ok: 1 });
    expect(roundTrip(error)).toMatchObject({ ok: 1 });
    expect(roundTrip(error)).not.toHaveProperty("fn");
  });
});
