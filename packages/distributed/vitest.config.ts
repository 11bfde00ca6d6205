import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../scripts/vitest.shared.ts";

export default mergeConfig(sharedConfig, defineConfig({ test: { globalSetup: ["./testdata/redis_setup.ts"] } }));
