// A worker module written for threads.js, unchanged.
import { expose } from "threads/worker";

expose({
  hashPassword(password, salt) {
    return `${salt}:${[...password].reverse().join("")}`;
  },
  async double(x) {
    return 2 * x;
  },
});
