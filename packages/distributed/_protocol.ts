// What the client (DistributedExecutor) and cc-worker agree on: Redis key names, the job data and the
// result entries. BullMQ carries the jobs; cc adds a results stream per client and a cancel channel.
import { basename, extname } from "node:path";
import { fileURLToPath } from "node:url";

/** BullMQ prefix used when none is given (BullMQ's own default is "bull"). */
export const DEFAULT_PREFIX = "cc";
/** Queue name used when none is given. */
export const DEFAULT_QUEUE = "cc";

/** Job data: who to answer, the encoded arguments, and per-call options. */
export interface JobData {
  /** Client id: the results stream to answer on. */
  c: string;
  /** Encoded argument list; for a chunk (`k`), a list of argument lists. */
  a: unknown[];
  /** A chunk of `map` items, run one after the other. */
  k?: 1;
  /** Timeout in ms, counted from the start on the worker. */
  t?: number;
  /** Stop hard (`abort: "terminate"`) on cancel or timeout. */
  x?: 1;
  /** Milliseconds the result waits in Redis for its client. */
  ttl: number;
}

/** A result entry's fields: job id, outcome ("1" ok, "0" error), JSON of the encoded value or error. */
export const FIELD_JOB = "j";
export const FIELD_OK = "o";
export const FIELD_VALUE = "v";

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The key of a client's results stream. */
export function resultsKey(prefix: string, queue: string, clientId: string): string {
  if (!CLIENT_ID.test(clientId)) throw new TypeError(`bad client id ${JSON.stringify(clientId)}`);
  return `${prefix}:${queue}:cc:results:${clientId}`;
}

/** The channel on which clients ask workers to stop a running job. */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:cc:cancel`;
}

/** A module name: letters, digits, `_` and `-`, starting with a letter or `_`. */
export const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
const EXPORT_NAME = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype", "then"]);

/** True if `name` may name a task's export. */
export function isExportName(name: string): boolean {
  return EXPORT_NAME.test(name) && !FORBIDDEN.has(name);
}

/**
 * The default module name of a task module: its file name without the extension (`tasks` for
 * `file:///srv/app/dist/tasks.js` and for `/home/me/app/src/tasks.ts`). Throws a `TypeError` when the
 * file name is not a valid module name (then name the module explicitly on both sides).
 */
export function defaultModuleName(urlOrPath: string): string {
  const path = urlOrPath.startsWith("file:") ? fileURLToPath(urlOrPath) : urlOrPath;
  const name = basename(path, extname(path));
  if (!MODULE_NAME.test(name)) {
    throw new TypeError(
      `cannot derive a module name from ${JSON.stringify(basename(path))} (letters, digits, _ and - only): ` +
        "name it explicitly, `modules: { name: url }` on the executor and `--tasks name=path` on cc-worker",
    );
  }
  return name;
}
