// Process subclasses for the tests: loaded again in their child processes.
import { Process } from "../mod.ts";

export class Report extends Process<{ id: number; createdIn: number; runsIn: number; name: string; label: string }> {
  static override module = import.meta.url;
  readonly createdIn = process.pid;
  constructor(
    readonly id: number,
    readonly label: string,
  ) {
    super();
  }
  override async run() {
    return { id: this.id, createdIn: this.createdIn, runsIn: process.pid, name: this.name, label: this.label };
  }
}

export class Failing extends Process {
  static override module = import.meta.url;
  override run(): never {
    throw new TypeError("failed in the child");
  }
}

class NotExported extends Process {
  override run(): number {
    return 1;
  }
}
export const Unlocated = NotExported;

export class WithCallback extends Process {
  static override module = import.meta.url;
  callback = () => 1;
  override run(): number {
    return this.callback();
  }
}
