// `hold()` of the primitives that are acquired and released (Lock, RLock, Semaphore, Condition):
// Python's `with lock:` as `await using _ = await lock.hold()`.
import { TimeoutError } from "@cc/core";
import type { WaitOptions } from "./wait_options.ts";

/** Acquires `primitive` and returns a disposable that releases it once. */
export async function hold(
  primitive: { acquire(options?: WaitOptions): Promise<boolean>; release(): Promise<void> },
  options: WaitOptions | undefined,
): Promise<AsyncDisposable> {
  if (!(await primitive.acquire(options))) {
    throw new TimeoutError(`${primitive.constructor.name}.hold() timed out after ${options?.timeout} ms`);
  }
  let done = false;
  return {
    [Symbol.asyncDispose]: async () => {
      if (done) return;
      done = true;
      await primitive.release();
    },
  };
}
