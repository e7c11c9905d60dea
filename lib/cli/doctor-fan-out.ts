/** The doctor's fan-out line: warns when accounts are regularly unreached without QStash (lib/runtime/fan-out-notice.ts). */
import type { Config } from "../config.js";
import { toXbotError } from "../errors.js";
import { fanOutNotice } from "../runtime/fan-out-notice.js";
import type { Clients } from "../runtime/clients.js";
import type { Check } from "./doctor.js";

/** One line: ok when every account was reached in the last day, warn with the fix otherwise. */
export async function fanOutCheck(config: Config, clients: Clients): Promise<Check> {
  try {
    const notice = await fanOutNotice(clients.sql, config, new Date());
    return notice ? { name: "fan-out", status: "warn", detail: notice.message, fix: notice.fix } : { name: "fan-out", status: "ok", detail: "every account was reached by its ticks in the last 24 h" };
  } catch (error) {
    return { name: "fan-out", status: "skip", detail: `could not read the last day's runs: ${toXbotError(error).message}` };
  }
}
