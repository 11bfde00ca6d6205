// The task module every packed-install fixture loads in its workers: plain JavaScript, so a worker thread
// or child process imports it from the installed `dist` without any TypeScript loader.

/** @param {number} x */
export function square(x) {
  return x * x;
}

/** The id of the thread or process the task ran in. */
export async function where() {
  const { threadId } = await import("node:worker_threads");
  return { pid: process.pid, threadId };
}
