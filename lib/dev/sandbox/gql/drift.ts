/**
 * The `graphql_down` fault: a read answer in the shape of a hypothetical newer x.com release
 * (documented on FaultKind in types.ts). Not a real shape; it exists so readers of the
 * network answers are seen to fail and fall back to the DOM.
 */

const RENAMED: Record<string, string> = {
  tweet_results: "tweet_results_v2",
  user_results: "user_results_v2",
  legacy: "legacy_v3",
};

function renameDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renameDeep);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[RENAMED[k] ?? k] = renameDeep(v);
  return out;
}

/** The drifted answer: keys renamed at every depth, and `data.user.result` -> `data.user.result_v2`. */
export function drift(body: unknown): unknown {
  const out = renameDeep(body) as { data?: { user?: Record<string, unknown> } };
  const user = out.data?.user;
  if (user && "result" in user) {
    user.result_v2 = user.result;
    delete user.result;
  }
  return out;
}
