// Redis connections from the user's `connection` option: a redis:// or rediss:// URL (user, password,
// database and TLS in the URL) or ioredis options (host, port, username for an ACL user, password, tls…),
// passed through to ioredis unchanged.
import { Redis, type RedisOptions } from "ioredis";

/** Where Redis is: a `redis://` / `rediss://` URL or ioredis options (host, port, username, password, tls…). */
export type Connection = string | URL | RedisOptions;

/** Checks a `connection` option; throws a TypeError naming what is wrong. */
export function checkConnection(connection: unknown): asserts connection is Connection {
  if (connection instanceof URL) connection = connection.href;
  if (typeof connection === "string") {
    if (!/^rediss?:\/\//.test(connection)) {
      throw new TypeError(`connection must be a redis:// or rediss:// URL or ioredis options, got "${connection}"`);
    }
    return;
  }
  if (typeof connection !== "object" || connection === null) {
    throw new TypeError(`connection must be a redis:// URL or ioredis options, got ${String(connection)}`);
  }
}

/**
 * Opens an ioredis connection. BullMQ needs `maxRetriesPerRequest: null` (commands wait for a reconnect
 * instead of failing after 20 retries) on connections that block; cc uses it on all of its connections.
 */
export function connect(connection: Connection, name: string, extra: RedisOptions = {}): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, connectionName: name, ...extra };
  const redis =
    typeof connection === "string" || connection instanceof URL
      ? new Redis(String(connection), options)
      : new Redis({ ...connection, ...options });
  // connection errors are retried by ioredis; without a listener each would print a stack trace
  redis.on("error", () => {});
  return redis;
}

/** Closes a connection: QUIT, or a hard disconnect when Redis does not answer within `graceMs`. */
export async function closeConnection(redis: Redis, graceMs = 1000): Promise<void> {
  if (redis.status === "end") return;
  let timer: NodeJS.Timeout | undefined;
  const quit = redis.quit().then(
    () => undefined,
    () => undefined,
  );
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
    timer.unref();
  });
  await Promise.race([quit, late]);
  clearTimeout(timer);
  redis.disconnect();
}
