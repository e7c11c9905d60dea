/**
 * Loading of operator data files (content/*.json): read, parse, zod-validate, and turn
 * every problem into ONE `config_invalid` error that names the file and each bad field.
 */
import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { XbotError } from "../errors.js";

/** Every problem of a failed parse as `field.path: message` (`root` names a problem of the whole value). */
export function zodProblems(error: z.ZodError, root = "(root)"): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : root}: ${issue.message}`);
}

/** Validates already-parsed JSON; `what` names the source in the error message. */
export function parseOperatorJson<T>(value: unknown, schema: z.ZodType<T>, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = zodProblems(result.error);
  throw new XbotError("config_invalid", `${what} is invalid:\n  ${problems.join("\n  ")}`, { details: { file: what, problems } });
}

/** Reads a JSON file and validates it with `schema`; every failure is a `config_invalid` XbotError. */
export async function loadOperatorJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new XbotError("config_invalid", `cannot read ${path}: ${(error as Error).message}`, { cause: error, details: { file: path } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new XbotError("config_invalid", `${path} is not valid JSON: ${(error as Error).message}`, { cause: error, details: { file: path } });
  }
  return parseOperatorJson(value, schema, path);
}
