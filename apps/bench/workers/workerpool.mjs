import workerpool from "workerpool";
import { cpu, inc } from "../lib/tasks.mjs";

workerpool.worker({ inc, cpu });
