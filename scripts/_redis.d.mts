/** How to get redis-server, in one line. */
export declare const REDIS_HOWTO: string;
/** The path of redis-server (installed with apt-get as root when missing), or null; `reason` says why. */
export declare function ensureRedisServer(options?: { quiet?: boolean }): string | null;
export declare namespace ensureRedisServer {
  let reason: string | undefined;
}
/** A private redis-server started by {@linkcode startRedis}. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly pid: number;
  stop(): Promise<void>;
  restart(options?: { downMs?: number }): Promise<void>;
  kill(): Promise<void>;
}
/** Starts a private redis-server on a free loopback port; null when redis-server is missing. */
export declare function startRedis(options?: {
  port?: number;
  args?: string[];
  quiet?: boolean;
}): Promise<RedisServer | null>;
