/**
 * Walking x.com's GraphQL JSON. Every accessor accepts the current key and the renamed one of
 * the `graphql_down` fault (`legacy_v3`, `tweet_results_v2`, `user_results_v2`, `result_v2`;
 * types.ts FaultKind), so the page renders whichever shape arrives.
 */

/** A JSON object. */
export type J = Record<string, unknown>;

/** The value as an object, else undefined. */
export function obj(v: unknown): J | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : undefined;
}

/** The value as an array of objects (non-objects dropped). */
export function arr(v: unknown): J[] {
  return Array.isArray(v) ? v.map(obj).filter((x): x is J => x !== undefined) : [];
}

/** The first present field among `names`. */
export function field(o: J | undefined, ...names: string[]): unknown {
  for (const n of names) if (o && n in o) return o[n];
  return undefined;
}

/** A string field, else "". */
export function text(o: J | undefined, name: string): string {
  const v = o?.[name];
  return typeof v === "string" ? v : "";
}

/** A number field, else 0. */
export function num(o: J | undefined, name: string): number {
  const v = o?.[name];
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** `legacy` (or `legacy_v3`). */
export function legacyOf(o: J | undefined): J | undefined {
  return obj(field(o, "legacy", "legacy_v3"));
}

/** `tweet_results.result` (or the drifted names). */
export function tweetResultOf(o: J | undefined): J | undefined {
  return obj(field(obj(field(o, "tweet_results", "tweet_results_v2")), "result", "result_v2"));
}

/** `user_results.result` (or the drifted names). */
export function userResultOf(o: J | undefined): J | undefined {
  return obj(field(obj(field(o, "user_results", "user_results_v2")), "result", "result_v2"));
}

/** `<o>.result` (or `result_v2`). */
export function resultOf(o: J | undefined): J | undefined {
  return obj(field(o, "result", "result_v2"));
}

/** Follows a path of keys through objects. */
export function path(o: unknown, ...keys: string[]): J | undefined {
  let cur = obj(o);
  for (const k of keys) cur = obj(cur?.[k]);
  return cur;
}
