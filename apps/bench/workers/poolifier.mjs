import { ThreadWorker } from "poolifier";
import { cpu, inc } from "../lib/tasks.mjs";

export const worker = new ThreadWorker({ inc, cpu });
