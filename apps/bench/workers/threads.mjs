import { expose } from "threads/worker";
import { cpu, inc } from "../lib/tasks.mjs";

expose({ inc, cpu });
