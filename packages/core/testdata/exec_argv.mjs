// The Node flags of the worker that runs this task.
export function execArgv() {
  return process.execArgv;
}
