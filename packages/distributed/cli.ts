#!/usr/bin/env node
// cc-worker: runs the jobs of a DistributedExecutor's queue with the task modules named on its command line.
import { Command, InvalidArgumentError, Option } from "commander";
import { type ExecuteMode, TaskWorker } from "./worker.ts";

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

const program = new Command("cc-worker")
  .description(
    "Runs the tasks of @cc/distributed's DistributedExecutor, from a BullMQ queue in Redis. It imports only the " +
      "modules given with --tasks, at start; a job naming any other task fails without loading anything.",
  )
  .requiredOption(
    "--tasks <modules...>",
    "task modules: paths or file: URLs, each optionally name=path (tasks travel as name.export)",
  )
  .option(
    "--redis <url>",
    "Redis URL (redis:// or rediss://, user and password in it)",
    process.env.CC_REDIS_URL ?? "redis://127.0.0.1:6379",
  )
  .option("--queue <name>", "queue name", "cc")
  .option("--prefix <prefix>", "BullMQ key prefix", "cc")
  .option(
    "--concurrency <n>",
    "jobs at once (default: min(32, CPUs + 4) in-process, CPUs for threads and processes)",
    integer(1),
  )
  .addOption(
    new Option("--execute <mode>", "where tasks run")
      .choices(["in-process", "threads", "processes"])
      .default("in-process"),
  )
  .option("--lock-duration <ms>", "BullMQ lock duration", integer(100), 30_000)
  .option(
    "--stalled-interval <ms>",
    "BullMQ stalled-job check interval (a lost worker's job reruns after ~2x)",
    integer(100),
    30_000,
  )
  .option("--max-stalled-count <n>", "times a job may be lost with its worker before it fails", integer(0), 1)
  .option("--grace <ms>", "on SIGTERM: time running jobs get to finish before they are handed back", integer(0), 10_000)
  .option(
    "--watchdog <ms>",
    "watchdog period (restarts a BullMQ Worker that stopped taking jobs)",
    integer(100),
    10_000,
  )
  .option("--quiet", "no log lines")
  .showHelpAfterError();

program.parse();
const opts = program.opts<{
  tasks: string[];
  redis: string;
  queue: string;
  prefix: string;
  concurrency?: number;
  execute: ExecuteMode;
  lockDuration: number;
  stalledInterval: number;
  maxStalledCount: number;
  grace: number;
  watchdog: number;
  quiet?: boolean;
}>();
const log = opts.quiet ? () => {} : (line: string) => console.log(line);

// signal handlers first: a SIGTERM during the start ends the process at once (no job is running yet)
let worker: TaskWorker | undefined;
let stopping = false;
const stop = (signal: string) => {
  if (stopping) {
    console.error(`cc-worker: second ${signal}, exiting now`);
    process.exit(1);
  }
  stopping = true;
  if (worker === undefined) {
    log(`cc-worker: ${signal} while starting, exiting`);
    process.exit(0);
  }
  log(`cc-worker: ${signal}, finishing the running jobs (up to ${opts.grace} ms)`);
  void worker.close({ deadline: opts.grace }).then(() => {
    log("cc-worker: stopped");
    process.exit(0);
  });
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));

try {
  worker = await TaskWorker.start({
    connection: opts.redis,
    queue: opts.queue,
    prefix: opts.prefix,
    tasks: opts.tasks,
    concurrency: opts.concurrency,
    execute: opts.execute,
    lockDuration: opts.lockDuration,
    stalledInterval: opts.stalledInterval,
    maxStalledCount: opts.maxStalledCount,
    watchdogInterval: opts.watchdog,
    log,
  });
} catch (error) {
  console.error(`cc-worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const redisHost = (() => {
  try {
    return new URL(opts.redis).host;
  } catch {
    return "?";
  }
})();
log(
  `cc-worker ready: pid ${process.pid}, queue "${opts.queue}" on ${redisHost}, ${opts.execute}, tasks ${worker.taskNames.join(", ")}`,
);
