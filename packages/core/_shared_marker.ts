// The key under which a Shareable travels to a worker: `{ [SHARED_MARKER]: { url, name, state } }`.
export const SHARED_MARKER = "$ccShared";
