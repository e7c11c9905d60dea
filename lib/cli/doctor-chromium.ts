/**
 * doctor's `chromium` line: the state of the bundled Chromium's unpack (lib/browser/
 * chromium-install.ts), checked in depth (the binary is hashed against its stamp) after the
 * browser check has launched it. A repair the launch made, now or earlier, is named with
 * what was broken; a binary that still does not verify is a failure with its fix.
 */
import { checkChromium, chromiumDir } from "../browser/chromium-install.js";
import { sparticuzBinDir } from "../browser/provider.js";
import type { Config } from "../config.js";
import type { Check } from "./doctor.js";

/** The chromium check, or null when the bundled Chromium is not the configured browser. */
export async function chromiumCheck(config: Config): Promise<Check | null> {
  if (config.BROWSER_WS_ENDPOINT || config.CHROMIUM_PATH) return null;
  const dir = chromiumDir();
  const found = await checkChromium(sparticuzBinDir(), dir, { deep: true }).catch((error: unknown) => ({ ok: false as const, reason: (error as Error).message, present: true }));
  if (!found.ok) {
    return {
      name: "chromium",
      status: "fail",
      detail: `the unpacked Chromium in ${dir} is broken: ${found.reason}`,
      fix: `rm -rf ${dir} and run xbot doctor again (the next launch unpacks it again; it needs ~200 MB free in the temp dir)`,
    };
  }
  const mb = Math.round(found.stamp.size / 1_000_000);
  if (found.stamp.repaired) {
    return {
      name: "chromium",
      status: "warn",
      detail: `repaired at ${found.stamp.repaired.at}: the unpacked binary was ${found.stamp.repaired.reason}; it was removed and unpacked again (${mb} MB, verified)`,
      fix: "nothing to do now; if it recurs, a process is being killed while it unpacks Chromium, or the temp dir is short of space",
    };
  }
  return { name: "chromium", status: "ok", detail: `unpacked in ${dir} (${mb} MB, hash verified)` };
}
