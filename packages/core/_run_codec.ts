// The shape of a `run` message on the wire. Structured clone pays per object, so a batch is sent in
// columns rather than one array per call: the ids (a first id when they are consecutive), the task keys
// and flags (one value when all calls share it), the argument counts, and one array per argument
// position. A batch of 64 one-argument calls is then 1 array of arguments instead of 128 nested arrays.
import { RUN_COLS, RUN_STRIDE, type RunMessage, type TaskDef } from "./protocol.ts";

/**
 * Packs calls laid flat as `[id, key, args, flags, …]` into a `run` message. No definitions travel as
 * `null`, which JSON carries as it is (a child process's channel, see `_process_wire.ts`).
 */
export function packRun(flat: unknown[], defs: TaskDef[] | undefined): RunMessage {
  if (flat.length === RUN_STRIDE) {
    // one call (a sequential caller): one column per argument, nothing to compare
    const args = flat[2] as unknown[];
    const one: unknown[] = [defs ?? null, 1, flat[0], flat[1], flat[3], args.length];
    for (let j = 0; j < args.length; j++) one.push([args[j]]);
    return one as RunMessage;
  }
  const n = flat.length / RUN_STRIDE;
  const firstId = flat[0] as number;
  const firstKey = flat[1] as number;
  const firstFlags = flat[3] as number;
  const firstArity = (flat[2] as unknown[]).length;
  let ids: number | number[] = firstId;
  let keys: number | number[] = firstKey;
  let flags: number | number[] = firstFlags;
  let arity: number | number[] = firstArity;
  const message: unknown[] = [defs ?? null, n, 0, 0, 0, 0];
  // Columns are built by push: an array made by `new Array(n)` is holey to V8, and its serializer writes a
  // holey array as index/value pairs (a 512-call message took 44 µs to post instead of 15).
  for (let j = 0; j < firstArity; j++) message.push([]);
  for (let i = 0, at = 0; i < n; i++, at += RUN_STRIDE) {
    const id = flat[at] as number;
    const key = flat[at + 1] as number;
    const args = flat[at + 2] as unknown[];
    const flag = flat[at + 3] as number;
    if (typeof ids === "number" && id !== firstId + i) ids = spread(firstId, i, (k) => firstId + k);
    if (typeof ids !== "number") ids[i] = id;
    if (typeof keys === "number" && key !== firstKey) keys = spread(firstKey, i, () => firstKey);
    if (typeof keys !== "number") keys[i] = key;
    if (typeof flags === "number" && flag !== firstFlags) flags = spread(firstFlags, i, () => firstFlags);
    if (typeof flags !== "number") flags[i] = flag;
    if (typeof arity === "number" && args.length !== firstArity) arity = spread(firstArity, i, () => firstArity);
    if (typeof arity !== "number") arity[i] = args.length;
    for (let j = 0; j < args.length; j++) {
      let col = message[RUN_COLS + j] as unknown[] | undefined;
      if (col === undefined) {
        col = [];
        message[RUN_COLS + j] = col; // columns appear in order
      }
      // calls with fewer arguments leave `undefined` here (never read): the column stays packed
      while (col.length < i) col.push(undefined);
      col.push(args[j]);
    }
  }
  message[2] = ids;
  message[3] = keys;
  message[4] = flags;
  message[5] = arity;
  return message as RunMessage;
}

function spread(_first: number, count: number, at: (k: number) => number): number[] {
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(at(k));
  return out;
}

/** Calls `visit` for each call of a `run` message, in order. */
export function unpackRun(
  message: RunMessage,
  visit: (id: number, key: number, args: unknown[], flags: number) => void,
): void {
  const n = message[1];
  const ids = message[2];
  const keys = message[3];
  const flags = message[4];
  const arity = message[5];
  for (let i = 0; i < n; i++) {
    const count = typeof arity === "number" ? arity : (arity[i] as number);
    const args = new Array(count);
    for (let j = 0; j < count; j++) args[j] = (message[RUN_COLS + j] as unknown[])[i];
    visit(
      typeof ids === "number" ? ids + i : (ids[i] as number),
      typeof keys === "number" ? keys : (keys[i] as number),
      args,
      typeof flags === "number" ? flags : (flags[i] as number),
    );
  }
}
