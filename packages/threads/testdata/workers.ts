// Test helpers: spawn fixture workers (plain .mjs that import "@cc/threads", i.e. the compiled dist),
// pass primitives to them as cc's runtime does, read their messages, terminate them all afterwards.
import { Worker } from "node:worker_threads";
import { SHAREABLE, type Shareable } from "@cc/core";

/** What a fixture's `rebuild()` takes: the name and (cloned) state of a shared handle. */
export interface Handle {
  name: string;
  state: unknown;
}

/** The handle of a primitive, as cc's worker runtime would send it. */
export function share(primitive: Shareable): Handle {
  const { name, state } = primitive[SHAREABLE]();
  return { name, state };
}

/** A fixture worker with a queue of the messages it posted. */
export class FixtureWorker {
  readonly worker: Worker;
  readonly #messages: unknown[] = [];
  readonly #readers: Array<{ resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];
  #failure: unknown;

  constructor(fixture: string, workerData: unknown) {
    this.worker = new Worker(new URL(`./${fixture}`, import.meta.url), { workerData });
    this.worker.on("message", (message) => {
      const reader = this.#readers.shift();
      if (reader !== undefined) reader.resolve(message);
      else this.#messages.push(message);
    });
    const fail = (error: unknown): void => {
      this.#failure ??= error;
      for (const reader of this.#readers.splice(0)) reader.reject(error);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`fixture ${fixture} exited with code ${code}`)));
  }

  /** The next message the worker posts; rejects if it fails or exits first. */
  next(): Promise<unknown> {
    if (this.#messages.length > 0) return Promise.resolve(this.#messages.shift());
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
  }
}

const live = new Set<FixtureWorker>();

/** Starts `testdata/<fixture>` with `workerData`; `terminateAll()` ends it. */
export function spawn(fixture: string, workerData: unknown): FixtureWorker {
  const worker = new FixtureWorker(fixture, workerData);
  live.add(worker);
  return worker;
}

/** Terminates every worker `spawn` started (call it in `afterEach`). */
export async function terminateAll(): Promise<void> {
  const workers = [...live];
  live.clear();
  await Promise.all(workers.map((w) => w.worker.terminate()));
}
