import { describe, expect, it } from "vitest";
import { Deque } from "./_deque.ts";

describe("Deque", () => {
  it("keeps FIFO order across wrap-around and growth", () => {
    const d = new Deque<number>();
    const model: number[] = [];
    let next = 0;
    // interleave pushes and shifts so the head wraps before the buffer grows several times
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < (round % 7) + 3; i++) {
        d.push(next);
        model.push(next++);
      }
      for (let i = 0; i < (round % 5) + 1; i++) expect(d.shift()).toBe(model.shift());
      expect(d.length).toBe(model.length);
    }
    expect([...d]).toEqual(model);
    expect(d.peek()).toBe(model[0]);
    expect(d.pop()).toBe(model.pop());
    d.clear();
    expect(d.length).toBe(0);
    expect(d.shift()).toBeUndefined();
  });
});
