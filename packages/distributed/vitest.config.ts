import { sharedConfig } from "../../scripts/vitest.shared.ts";

export default sharedConfig;
