/** Database health probe: one round trip, timed, never throws. */
import { toXbotError } from "../errors.js";
import type { Sql } from "./sql.js";

/** The result of a probe: a failed one always says why. */
export type ProbeResult = { readonly ok: true; readonly latencyMs: number } | { readonly ok: false; readonly latencyMs: number; readonly error: { code: string; message: string } };

/** Probes the database with `SELECT 1`. */
export async function probeDb(sql: Sql): Promise<ProbeResult> {
  const started = performance.now();
  try {
    await sql.query("SELECT 1");
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const e = toXbotError(error);
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: { code: e.code, message: e.message } };
  }
}
