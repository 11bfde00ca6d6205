// Task module of cc: plain JS exports, named by task(url, name).
export { cpu, inc } from "../lib/tasks.mjs";
