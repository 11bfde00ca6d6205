// A Process subclass whose field holds primitives inside an object (loaded in child processes).
import { Process, type Queue } from "../mod.ts";

export class Reporter extends Process<void> {
  static override module = import.meta.url;
  constructor(readonly channels: { results: Queue<string>; extra: Queue<string>[] }) {
    super();
  }
  override async run(): Promise<void> {
    await this.channels.results.put(`from ${process.pid}`);
    for (const q of this.channels.extra) await q.put("extra");
  }
}
