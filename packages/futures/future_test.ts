import { CancelledError, InvalidStateError, TimeoutError } from "@cc/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Future } from "./future.ts";
import {
  cancelledFuture,
  exceptionFuture,
  pendingFuture,
  runningFuture,
  successfulFuture,
} from "./testdata/futures.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("Future states", () => {
  it("state, cancelled(), running() and done() follow Python for each state", () => {
    const rows: [Future<number>, string, boolean, boolean, boolean][] = [
      [pendingFuture(), "PENDING", false, false, false],
      [runningFuture(), "RUNNING", false, true, false],
      [cancelledFuture(), "CANCELLED", true, false, true],
      [exceptionFuture(), "FINISHED", false, false, true],
      [successfulFuture(), "FINISHED", false, false, true],
    ];
    for (const [future, state, cancelled, running, done] of rows) {
      expect([future.state, future.cancelled(), future.running(), future.done()]).toEqual([
        state,
        cancelled,
        running,
        done,
      ]);
    }
  });

  it("cancel() succeeds only while pending, and returns true when already cancelled", () => {
    const pending = pendingFuture();
    expect(pending.cancel()).toBe(true);
    expect(pending.state).toBe("CANCELLED");
    expect(pending.cancel()).toBe(true);

    const running = runningFuture();
    expect(running.cancel()).toBe(false);
    expect(running.state).toBe("RUNNING");

    const failed = exceptionFuture();
    expect(failed.cancel()).toBe(false);
    expect(failed.state).toBe("FINISHED");

    const succeeded = successfulFuture();
    expect(succeeded.cancel()).toBe(false);
    expect(succeeded.resultNow()).toBe(42);
  });

  it("setRunningOrNotifyCancel() returns false for a cancelled future and throws once running or finished", () => {
    const future = new Future<number>();
    expect(future.setRunningOrNotifyCancel()).toBe(true);
    expect(() => future.setRunningOrNotifyCancel()).toThrow(InvalidStateError);
    future.setResult(1);
    expect(() => future.setRunningOrNotifyCancel()).toThrow(InvalidStateError);
    expect(cancelledFuture().setRunningOrNotifyCancel()).toBe(false);
  });

  it("setResult() and setException() throw InvalidStateError on a done future and keep the first outcome", () => {
    const future = new Future<number>();
    future.setResult(1);
    expect(() => future.setResult(2)).toThrow(InvalidStateError);
    expect(() => future.setResult(2)).toThrow("FINISHED: <Future state=finished returned number>");
    expect(() => future.setException(new Error("late"))).toThrow(InvalidStateError);
    expect(future.resultNow()).toBe(1);

    const failed = new Future<number>();
    const error = new TypeError("first");
    failed.setException(error);
    expect(() => failed.setException(new Error("second"))).toThrow(
      "FINISHED: <Future state=finished raised TypeError>",
    );
    expect(failed.exceptionNow()).toBe(error);
  });

  it("setResult() and setException() throw InvalidStateError on a cancelled future", () => {
    const future = cancelledFuture();
    expect(() => future.setResult(1)).toThrow(InvalidStateError);
    expect(() => future.setResult(1)).toThrow("CANCELLED: <Future state=cancelled>");
    expect(() => future.setException(new Error("x"))).toThrow(InvalidStateError);
    expect(future.cancelled()).toBe(true);
  });

  it("a pending future may finish without running, as in Python", () => {
    const future = new Future<string>();
    future.setResult("skipped RUNNING");
    expect(future.state).toBe("FINISHED");
  });

  it("toString() reads like Python's repr", () => {
    expect(String(pendingFuture())).toBe("<Future state=pending>");
    expect(String(runningFuture())).toBe("<Future state=running>");
    expect(String(cancelledFuture())).toBe("<Future state=cancelled>");
    expect(String(exceptionFuture(new RangeError("x")))).toBe("<Future state=finished raised RangeError>");
    expect(String(successfulFuture())).toBe("<Future state=finished returned number>");
  });
});

describe("Future.resultNow() and exceptionNow()", () => {
  it("resultNow() returns the result, throws the exception, CancelledError or InvalidStateError", () => {
    expect(successfulFuture(5).resultNow()).toBe(5);
    const error = new RangeError("boom");
    expect(() => exceptionFuture(error).resultNow()).toThrow(error);
    expect(() => cancelledFuture().resultNow()).toThrow(CancelledError);
    expect(() => pendingFuture().resultNow()).toThrow(InvalidStateError);
    expect(() => runningFuture().resultNow()).toThrow(InvalidStateError);
  });

  it("exceptionNow() returns the exception or undefined, throws CancelledError or InvalidStateError", () => {
    const error = new RangeError("boom");
    expect(exceptionFuture(error).exceptionNow()).toBe(error);
    expect(successfulFuture().exceptionNow()).toBeUndefined();
    expect(() => cancelledFuture().exceptionNow()).toThrow(CancelledError);
    expect(() => pendingFuture().exceptionNow()).toThrow(InvalidStateError);
  });
});

describe("Future.addDoneCallback()", () => {
  it("calls the callback with the future once it has a result", () => {
    const future = new Future<number>();
    let seen: number | undefined;
    future.addDoneCallback((f) => {
      expect(f).toBe(future);
      seen = f.resultNow();
    });
    expect(seen).toBeUndefined();
    future.setResult(5);
    expect(seen).toBe(5);
  });

  it("calls the callback once the future has an exception", () => {
    const future = new Future<number>();
    let seen: unknown;
    future.addDoneCallback((f) => {
      seen = f.exceptionNow();
    });
    future.setException(new Error("test"));
    expect((seen as Error).message).toBe("test");
  });

  it("calls the callback when the future is cancelled", () => {
    const future = new Future<number>();
    let wasCancelled: boolean | undefined;
    future.addDoneCallback((f) => {
      wasCancelled = f.cancelled();
    });
    expect(future.cancel()).toBe(true);
    expect(wasCancelled).toBe(true);
  });

  it("calls the callback at once when the future is already done", () => {
    for (const future of [successfulFuture(), exceptionFuture(), cancelledFuture()]) {
      const calls: Future<number>[] = [];
      future.addDoneCallback((f) => calls.push(f));
      expect(calls).toEqual([future]);
    }
  });

  it("calls callbacks in the order added, exactly once each", () => {
    const future = new Future<number>();
    const order: string[] = [];
    future.addDoneCallback(() => order.push("a"));
    future.addDoneCallback(() => order.push("b"));
    future.addDoneCallback(() => order.push("c"));
    future.setRunningOrNotifyCancel();
    future.setResult(1);
    expect(() => future.setResult(2)).toThrow(InvalidStateError);
    future.cancel();
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("calls the callbacks of a cancelled future once, not again in setRunningOrNotifyCancel()", () => {
    const future = new Future<number>();
    const callback = vi.fn();
    future.addDoneCallback(callback);
    future.cancel();
    future.cancel();
    expect(future.setRunningOrNotifyCancel()).toBe(false);
    expect(callback).toHaveBeenCalledTimes(1);
  });

  it("reports a raising callback and still calls the others", () => {
    const errorSpy = vi.spyOn(console, "error").mockImplementation(() => {});
    const future = new Future<number>();
    let fnWasCalled = false;
    future.addDoneCallback(() => {
      throw new Error("doh!");
    });
    future.addDoneCallback(() => {
      fnWasCalled = true;
    });
    future.setResult(5);
    expect(fnWasCalled).toBe(true);
    expect(errorSpy).toHaveBeenCalledTimes(1);
    expect(errorSpy.mock.calls[0]![0]).toBe("exception calling callback for <Future state=finished returned number>");
    expect((errorSpy.mock.calls[0]![1] as Error).message).toBe("doh!");
  });

  it("reports a raising callback added to an already finished future", () => {
    const errorSpy = vi.spyOn(console, "error").mockImplementation(() => {});
    const future = successfulFuture(5);
    future.addDoneCallback(() => {
      throw new Error("doh!");
    });
    expect(errorSpy).toHaveBeenCalledTimes(1);
    expect(String(errorSpy.mock.calls[0]![0])).toContain("exception calling callback for");
  });

  it("sends callback errors to Future.reportCallbackError when replaced, even if the reporter throws", () => {
    const previous = Future.reportCallbackError;
    const seen: [unknown, Future<unknown>][] = [];
    try {
      Future.reportCallbackError = (error, future) => {
        seen.push([error, future]);
        throw new Error("reporter fails too");
      };
      const future = new Future<number>();
      const later = vi.fn();
      future.addDoneCallback(() => {
        throw new Error("one");
      });
      future.addDoneCallback(later);
      future.setResult(1);
      expect(seen.map(([e, f]) => [(e as Error).message, f])).toEqual([["one", future]]);
      expect(later).toHaveBeenCalledOnce();
    } finally {
      Future.reportCallbackError = previous;
    }
  });

  it("runs a callback added from inside a callback at once", () => {
    const future = new Future<number>();
    const order: string[] = [];
    future.addDoneCallback((f) => {
      order.push("outer");
      f.addDoneCallback(() => order.push("inner"));
      order.push("after");
    });
    future.setResult(1);
    expect(order).toEqual(["outer", "inner", "after"]);
  });

  it("throws TypeError for a callback that is not a function", () => {
    expect(() => new Future().addDoneCallback(42 as never)).toThrow(TypeError);
    expect(() => new Future().addDoneCallback(42 as never)).toThrow("received '42'");
  });

  it("removeDoneCallback() removes every occurrence that has not run", () => {
    const future = new Future<number>();
    const removed = vi.fn();
    const kept = vi.fn();
    future.addDoneCallback(removed);
    future.addDoneCallback(kept);
    future.addDoneCallback(removed);
    expect(future.removeDoneCallback(removed)).toBe(2);
    expect(future.removeDoneCallback(removed)).toBe(0);
    future.setResult(1);
    expect(removed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledOnce();
    expect(future.removeDoneCallback(kept)).toBe(0);
  });
});

describe("Future.result() and exception()", () => {
  it("result() resolves with the result and rejects with the exception or CancelledError", async () => {
    await expect(successfulFuture(42).result()).resolves.toBe(42);
    const error = new RangeError("boom");
    await expect(exceptionFuture(error).result()).rejects.toBe(error);
    await expect(cancelledFuture().result()).rejects.toBeInstanceOf(CancelledError);
  });

  it("result({ timeout: 0 }) rejects with TimeoutError at once for a pending or running future", async () => {
    await expect(pendingFuture().result({ timeout: 0 })).rejects.toBeInstanceOf(TimeoutError);
    await expect(runningFuture().result({ timeout: 0 })).rejects.toBeInstanceOf(TimeoutError);
    await expect(cancelledFuture().result({ timeout: 0 })).rejects.toBeInstanceOf(CancelledError);
    await expect(exceptionFuture().result({ timeout: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(successfulFuture().result({ timeout: 0 })).resolves.toBe(42);
  });

  it("exception({ timeout: 0 }) follows Python for each state", async () => {
    await expect(pendingFuture().exception({ timeout: 0 })).rejects.toBeInstanceOf(TimeoutError);
    await expect(runningFuture().exception({ timeout: 0 })).rejects.toBeInstanceOf(TimeoutError);
    await expect(cancelledFuture().exception({ timeout: 0 })).rejects.toBeInstanceOf(CancelledError);
    await expect(exceptionFuture().exception({ timeout: 0 })).resolves.toBeInstanceOf(RangeError);
    await expect(successfulFuture().exception({ timeout: 0 })).resolves.toBeUndefined();
  });

  it("result({ timeout }) resolves when the result comes in time", async () => {
    vi.useFakeTimers();
    const future = pendingFuture();
    const result = future.result({ timeout: 5000 });
    setTimeout(() => future.setResult(42), 1000);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(result).resolves.toBe(42);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("result({ timeout }) rejects with TimeoutError after the timeout and does not cancel the future", async () => {
    vi.useFakeTimers();
    const future = runningFuture();
    const result = future.result({ timeout: 100 });
    const settled = vi.fn();
    result.then(settled, settled);
    await vi.advanceTimersByTimeAsync(99);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).rejects.toThrow(TimeoutError);
    await expect(result).rejects.toThrow("result() timed out after 100 ms");
    expect(future.state).toBe("RUNNING");
    future.setResult(7);
    await expect(future.result()).resolves.toBe(7);
  });

  it("result() rejects with CancelledError when the future is cancelled while waiting", async () => {
    vi.useFakeTimers();
    const future = pendingFuture();
    const result = future.result({ timeout: 60_000 });
    future.cancel();
    await expect(result).rejects.toBeInstanceOf(CancelledError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("exception() resolves with an exception set while waiting", async () => {
    vi.useFakeTimers();
    const future = pendingFuture();
    const exception = future.exception({ timeout: 60_000 });
    const error = new Error("later");
    future.setException(error);
    await expect(exception).resolves.toBe(error);
  });

  it("result({ signal }) rejects with the signal's reason and leaves the future alone", async () => {
    const future = runningFuture();
    const controller = new AbortController();
    const result = future.result({ signal: controller.signal });
    controller.abort(new Error("stop waiting"));
    await expect(result).rejects.toThrow("stop waiting");
    expect(future.state).toBe("RUNNING");
    future.setResult(1);
    expect(future.resultNow()).toBe(1);
  });

  it("result({ signal }) rejects at once for an aborted signal, unless the future is done", async () => {
    const signal = AbortSignal.abort();
    await expect(pendingFuture().result({ signal })).rejects.toHaveProperty("name", "AbortError");
    await expect(successfulFuture(3).result({ signal })).resolves.toBe(3);
  });

  it("result({ signal }) removes its abort listener when the future finishes", async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, "addEventListener");
    const remove = vi.spyOn(controller.signal, "removeEventListener");
    const future = pendingFuture();
    const result = future.result({ signal: controller.signal });
    future.setResult(9);
    await expect(result).resolves.toBe(9);
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledTimes(1);
    controller.abort();
  });

  it("result() rejects with RangeError for a negative or NaN timeout, quoting it", async () => {
    await expect(pendingFuture().result({ timeout: -1 })).rejects.toThrow(RangeError);
    await expect(pendingFuture().result({ timeout: Number.NaN })).rejects.toThrow("received 'NaN'");
    await expect(pendingFuture().exception({ timeout: -5 })).rejects.toThrow("received '-5'");
  });

  it("result() treats Infinity and null as no timeout", async () => {
    vi.useFakeTimers();
    const future = pendingFuture();
    const a = future.result({ timeout: Number.POSITIVE_INFINITY });
    const b = future.result({ timeout: null });
    expect(vi.getTimerCount()).toBe(0);
    future.setResult(1);
    await expect(Promise.all([a, b])).resolves.toEqual([1, 1]);
  });
});

describe("Future as a thenable and promise", () => {
  it("await future gives the result, or throws the exception or CancelledError", async () => {
    const future = new Future<number>();
    queueMicrotask(() => future.setResult(11));
    expect(await future).toBe(11);
    const error = new SyntaxError("bad");
    await expect((async () => await exceptionFuture(error))()).rejects.toBe(error);
    const cancelled = new Future<number>();
    const waiting = (async () => await cancelled)();
    cancelled.cancel();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
  });

  it("asPromise() returns one promise settled like the future", async () => {
    const future = new Future<number>();
    const promise = future.asPromise();
    expect(future.asPromise()).toBe(promise);
    future.setResult(3);
    await expect(promise).resolves.toBe(3);
    await expect(Promise.all([successfulFuture(1), successfulFuture(2)])).resolves.toEqual([1, 2]);
  });

  it("is a promise the engine takes as it is: Promise.resolve(future) is the future, derived promises are plain", async () => {
    const future = new Future<number>();
    expect(future).toBeInstanceOf(Promise);
    expect(future).toBeInstanceOf(Future);
    expect(Promise.resolve(future)).toBe(future);
    const derived = future.then((x) => x * 2);
    expect(derived).toBeInstanceOf(Promise);
    expect(derived).not.toBeInstanceOf(Future);
    const caught = future.catch(() => 0);
    expect(caught).not.toBeInstanceOf(Future);
    future.setResult(21);
    await expect(derived).resolves.toBe(42);
    await expect(caught).resolves.toBe(21);
  });

  it("await takes the future in the same turn as a promise: no extra hop", async () => {
    // A settled future and a settled promise awaited side by side resume in the order awaited.
    const order: string[] = [];
    const future = new Future<string>();
    future.setResult("future");
    const promise = Promise.resolve("promise");
    await Promise.all([(async () => order.push(await future))(), (async () => order.push(await promise))()]);
    expect(order).toEqual(["future", "promise"]);
  });

  it("a subclass's derived promises are plain promises too", async () => {
    class Sub<T> extends Future<T> {}
    const sub = new Sub<number>();
    const derived = sub.then((x) => x + 1);
    expect(derived).not.toBeInstanceOf(Sub);
    sub.setResult(1);
    await expect(derived).resolves.toBe(2);
    await expect(sub).resolves.toBe(1);
  });

  it("a cancelled future rejects every await with CancelledError, without an unhandled rejection", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const future = new Future<number>();
      future.cancel();
      await expect(future).rejects.toBeInstanceOf(CancelledError);
      // Node reports unhandled rejections once the microtask queue has drained, before the next macrotask
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("a failed future whose exception nobody reads causes no unhandled rejection", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const future = new Future<number>();
      future.setException(new Error("never read"));
      exceptionFuture(new Error("never read either"));
      // Node reports unhandled rejections once the microtask queue has drained, before the next macrotask
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("Future.fromPromise() makes a running future that follows the promise", async () => {
    let resolve!: (value: number) => void;
    const future = Future.fromPromise(new Promise<number>((r) => (resolve = r)));
    expect(future.state).toBe("RUNNING");
    expect(future.cancel()).toBe(false);
    resolve(4);
    await expect(future.result()).resolves.toBe(4);

    const error = new Error("rejected");
    const failed = Future.fromPromise(Promise.reject(error));
    await expect(failed.exception()).resolves.toBe(error);
  });

  it("Future.fromPromise() returns a Future as is and rejects non-promises with TypeError", () => {
    const future = new Future<number>();
    expect(Future.fromPromise(future)).toBe(future);
    expect(() => Future.fromPromise(42 as never)).toThrow(TypeError);
  });

  it("a result that is a Future is kept as is by resultNow()", () => {
    const inner = successfulFuture(1);
    const outer = new Future<Future<number>>();
    outer.setResult(inner);
    expect(outer.resultNow()).toBe(inner);
  });
});

describe("Future.cancelOnAbort()", () => {
  it("cancels a pending future when the signal aborts and removes its listener when done", () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, "removeEventListener");
    const future = new Future<number>().cancelOnAbort(controller.signal);
    const callback = vi.fn();
    future.addDoneCallback(callback);
    controller.abort();
    expect(future.cancelled()).toBe(true);
    expect(callback).toHaveBeenCalledOnce();
    expect(remove).toHaveBeenCalledTimes(1);
  });

  it("cancels at once for an aborted signal", () => {
    expect(new Future().cancelOnAbort(AbortSignal.abort()).cancelled()).toBe(true);
  });

  it("does nothing to a running future, and detaches from the signal once it finishes", () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, "removeEventListener");
    const future = new Future<number>().cancelOnAbort(controller.signal);
    future.setRunningOrNotifyCancel();
    controller.abort();
    expect(future.state).toBe("RUNNING");
    future.setResult(2);
    expect(remove).toHaveBeenCalledTimes(1);
  });

  it("adds no listener to the signal of a future that is already done", () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, "addEventListener");
    successfulFuture().cancelOnAbort(controller.signal);
    expect(add).not.toHaveBeenCalled();
  });
});
