/**
 * Tasks: functions that another thread or process can load, addressed by (module URL, export name).
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";

// biome-ignore lint/suspicious/noExplicitAny: a task's function type is whatever the user wrote.
type AnyFunction = (...args: any[]) => unknown;

/**
 * A function that a worker thread or child process can load: the module `url` and the export `name`.
 * `A` and `R` are the function's parameters and (awaited) result, so executors type-check
 * `submit(task, ...args)` end to end.
 */
export interface Task<A extends unknown[] = unknown[], R = unknown> {
  /** `file:` URL of the module that exports the function. */
  readonly url: string;
  /** The export's name. */
  readonly name: string;
  /** Phantom field that carries the signature; never set at run time. */
  __signature?(...args: A): R;
}

/** The parameters of a task. */
export type TaskArgs<T> = T extends Task<infer A, unknown> ? A : never;
/** The awaited result of a task. */
export type TaskResult<T> = T extends Task<unknown[], infer R> ? R : never;
/** Turns a function type into the matching task type. */
export type TaskOf<F extends AnyFunction> = Task<Parameters<F>, Awaited<ReturnType<F>>>;

const FORBIDDEN_NAMES = new Set(["__proto__", "constructor", "prototype", "then"]);
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;

/**
 * Normalises and checks a task module specifier: a `file:` URL (string or `URL`) or an absolute path.
 * Anything else — `data:`, `http:`, `node:` URLs, bare package names, relative paths — is a `TypeError`,
 * because a worker runs the module it is given.
 *
 * @example
 * ```ts
 * import { taskModuleUrl } from "@cc/core";
 * console.assert(taskModuleUrl("/srv/app/tasks.js") === "file:///srv/app/tasks.js");
 * ```
 */
export function taskModuleUrl(specifier: string | URL): string {
  if (specifier instanceof URL) specifier = specifier.href;
  if (typeof specifier !== "string" || specifier.length === 0) {
    throw new TypeError(`A task module must be a file: URL or an absolute path, got ${describe(specifier)}`);
  }
  if (specifier.startsWith("file:")) {
    const url = new URL(specifier);
    url.hash = "";
    url.search = "";
    return url.href;
  }
  if (isAbsolute(specifier)) return pathToFileURL(specifier).href;
  throw new TypeError(
    `A task module must be a file: URL or an absolute path, got "${specifier}"` +
      (/^[a-z][a-z0-9+.-]*:/i.test(specifier) ? ` (the "${specifier.split(":")[0]}:" scheme is not allowed)` : ""),
  );
}

/**
 * Checks an export name: a JavaScript identifier that is not `__proto__`, `constructor`,
 * `prototype` or `then`.
 *
 * @example
 * ```ts
 * import { taskExportName } from "@cc/core";
 * console.assert(taskExportName("download") === "download");
 * ```
 */
export function taskExportName(name: string): string {
  if (typeof name !== "string" || !IDENTIFIER.test(name) || FORBIDDEN_NAMES.has(name)) {
    throw new TypeError(
      `A task's export name must be an identifier other than ${[...FORBIDDEN_NAMES].join(", ")}, got ${describe(name)}`,
    );
  }
  return name;
}

/**
 * Names a task: the function exported as `name` by the module at `url` (usually `import.meta.url`).
 * Give the function's type to have `submit(task, ...args)` checked against its signature.
 *
 * @example
 * ```ts
 * import { task } from "@cc/core";
 * export function square(x: number): number { return x * x; }
 * const squareTask = task<typeof square>(import.meta.url, "square");
 * console.assert(squareTask.name === "square");
 * ```
 */
export function task<F extends AnyFunction = AnyFunction>(url: string | URL, name: string): TaskOf<F> {
  return Object.freeze({ url: taskModuleUrl(url), name: taskExportName(name) }) as TaskOf<F>;
}

/**
 * Defines a task from the function itself, keeping its signature: `defineTask(import.meta.url, square)`
 * uses the function's own name as the export name (pass `name` when they differ). The function must be
 * exported under that name by the module at `url`.
 *
 * @example
 * ```ts
 * import { defineTask } from "@cc/core";
 * export function square(x: number): number { return x * x; }
 * export const squareTask = defineTask(import.meta.url, square);
 * console.assert(squareTask.name === "square");
 * ```
 */
export function defineTask<F extends AnyFunction>(url: string | URL, fn: F, name?: string): TaskOf<F> {
  if (typeof fn !== "function") throw new TypeError(`defineTask() needs a function, got ${describe(fn)}`);
  return task<F>(url, name ?? fn.name);
}

/**
 * True if `value` looks like a {@linkcode Task}.
 *
 * @example
 * ```ts
 * import { isTask, task } from "@cc/core";
 * console.assert(isTask(task("/app/tasks.js", "run")) && !isTask(() => 1));
 * ```
 */
export function isTask(value: unknown): value is Task {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Task).url === "string" &&
    typeof (value as Task).name === "string"
  );
}

/**
 * Describes a value in a few words for an error message about a bad argument: `null`, a quoted
 * string (cut at 60 characters), `function name`, an object's class name, or the type and value.
 * cc's packages use it so that their messages name bad input the same way.
 *
 * @param value The value to describe.
 * @returns The description.
 *
 * @example Usage
 * ```ts
 * import { describe } from "@cc/core";
 * console.assert(describe(5) === "number 5" && describe("x") === '"x"' && describe(new Map()) === "Map");
 * ```
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return `${typeof value} ${String(value)}`;
}
