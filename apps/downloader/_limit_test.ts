import { describe, expect, it } from "vitest";
import { limit } from "./_limit.ts";

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("limit()", () => {
  it("runs at most `concurrency` functions at once, in call order", async () => {
    const run = limit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = gates.map((gate, i) =>
      run(async () => {
        started.push(i);
        await gate.promise;
        return i * 10;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]?.resolve();
    await results[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(results)).toEqual([0, 10, 20, 30]);
  });

  it("passes a rejection through and frees the slot", async () => {
    const run = limit(1);
    const failing = run(async () => {
      throw new Error("boom");
    });
    const next = run(async () => "next");
    await expect(failing).rejects.toThrow("boom");
    expect(await next).toBe("next");
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects concurrency %s with a RangeError", (n) => {
    expect(() => limit(n)).toThrow(RangeError);
    expect(() => limit(n)).toThrow(`received ${n}`);
  });
});
