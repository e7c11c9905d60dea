/**
 * Maps driver failures onto XbotErrors by SQLSTATE class, so callers decide on codes,
 * not on driver internals. No SQLSTATE at all means the database was not reached.
 */
import { XbotError, type ErrorCode } from "../errors.js";

const UNAVAILABLE_CLASSES = ["08", "53", "57", "58", "XX"];
const CONTENTION_CODES = new Set(["40001", "40P01", "55P03"]);

/** The XbotError code for a SQLSTATE (undefined = not reached). */
export function codeForSqlState(sqlState: string | undefined): ErrorCode {
  if (!sqlState) return "db_unavailable";
  if (CONTENTION_CODES.has(sqlState)) return "db_contention";
  if (sqlState.startsWith("23")) return "conflict";
  if (UNAVAILABLE_CLASSES.some((c) => sqlState.startsWith(c))) return "db_unavailable";
  return "db_query";
}

/** Wraps a driver error; keeps SQLSTATE, constraint and detail, never parameters. */
export function mapDbError(error: unknown): XbotError {
  if (error instanceof XbotError) return error;
  const e = error as { code?: unknown; message?: unknown; constraint?: unknown; detail?: unknown };
  const sqlState = typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  const code = codeForSqlState(sqlState);
  const message = typeof e.message === "string" ? e.message : String(error);
  const details: Record<string, unknown> = {};
  if (sqlState) details.sqlState = sqlState;
  if (typeof e.constraint === "string") details.constraint = e.constraint;
  return new XbotError(code, `database: ${message}`, { cause: error, details });
}
