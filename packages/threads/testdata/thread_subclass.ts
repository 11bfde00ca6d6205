// Thread subclasses for thread_test.ts: run() overridden, loaded in the worker by module URL.
import { threadId } from "node:worker_threads";
import { Lock, Thread } from "../mod.ts";

export class SquareThread extends Thread {
  static override module = import.meta.url;
  output: number | undefined = undefined;
  ranIn: number | undefined = undefined;
  constructorRuns = 0;
  constructor(readonly id: number) {
    super();
    this.constructorRuns++;
  }
  override run(): string {
    this.output = this.id ** 2;
    this.ranIn = threadId;
    return `done ${this.id}`;
  }
}

export class Introspect extends Thread {
  static override module = import.meta.url;
  seen: { name: string; alive: boolean; ident: number | undefined; joinError: string; startError: string } | undefined;
  override run(): void {
    const message = (f: () => unknown) => {
      try {
        f();
        return "no error";
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    };
    this.seen = {
      name: this.name,
      alive: this.isAlive(),
      ident: this.ident,
      joinError: message(() => this.join()),
      startError: message(() => this.start()),
    };
  }
}

export class Failing extends Thread {
  static override module = import.meta.url;
  override async run(): Promise<void> {
    await Promise.resolve();
    throw new RangeError("run failed");
  }
}

/** Increments a shared counter under a shared lock: the Lock field is shared, not copied. */
export class LockedCounter extends Thread {
  static override module = import.meta.url;
  constructor(
    readonly lock: Lock,
    readonly cells: Int32Array,
    readonly times: number,
  ) {
    super();
  }
  override run(): boolean {
    for (let i = 0; i < this.times; i++) {
      using _ = this.lock.holdSync();
      const v = this.cells[0]!;
      this.cells[0] = v + 1;
    }
    return this.lock instanceof Lock;
  }
}

/** Overrides run() but does not say where the worker can load it from. */
export class NoModule extends Thread {
  override run(): void {}
}
