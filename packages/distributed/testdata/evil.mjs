// A module no cc-worker in the tests is started with: importing it would leave a marker file.
import { writeFileSync } from "node:fs";

writeFileSync(process.env.CC_EVIL_MARKER ?? "/tmp/cc-evil-imported", "imported");

export function boom() {
  return "should never run";
}
