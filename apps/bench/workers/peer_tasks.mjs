// Worker module of piscina and tinypool: both call a named export (option `name`).
export { cpu, inc } from "../lib/tasks.mjs";
