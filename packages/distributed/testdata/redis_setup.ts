// vitest globalSetup: one real redis-server for this package's tests, its URL in CC_REDIS_URL (tests that
// restart Redis start their own). Without redis-server the Redis tests are skipped, loudly, except under
// CI=true, where a missing Redis fails the run.
import { ensureRedisServer, type RedisServer, startRedis } from "../../../scripts/_redis.mjs";

let redis: RedisServer | null = null;

export async function setup(): Promise<void> {
  redis = await startRedis();
  if (!redis) {
    const reason = ensureRedisServer.reason ?? "redis-server is missing";
    if (process.env.CI === "true") throw new Error(`@cc/distributed tests need a real Redis under CI: ${reason}`);
    console.warn(`\n⚠ @cc/distributed: SKIPPING every Redis test: ${reason}\n`);
    process.env.CC_REDIS_SKIP = reason;
    return;
  }
  process.env.CC_REDIS_URL = redis.url;
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
