// A threads.js worker that exposes a single function.
import { expose } from "threads/worker";

expose(function add(a, b) {
  return a + b;
});
