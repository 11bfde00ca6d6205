#!/usr/bin/env node
// A real Redis for cc's tests, demo and benchmark, from the command line (see scripts/_redis.mjs):
//   node scripts/redis.mjs ensure   finds redis-server (as root with apt-get, installs Debian's); exit 1 with a how-to if not
//   node scripts/redis.mjs start    starts a private redis-server on a free loopback port, prints its URL, runs until
//                                   SIGINT/SIGTERM, then stops it (its data is dropped)
import { ensureRedisServer, startRedis } from "./_redis.mjs";

const command = process.argv[2];
if (command === "ensure") {
  const path = ensureRedisServer();
  if (path) console.log(path);
  else console.error(ensureRedisServer.reason);
  process.exit(path ? 0 : 1);
} else if (command === "start") {
  const redis = await startRedis();
  if (!redis) {
    console.error(ensureRedisServer.reason);
    process.exit(1);
  }
  console.log(redis.url);
  const stop = () => void redis.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} else {
  console.error("usage: node scripts/redis.mjs ensure|start");
  process.exit(2);
}
