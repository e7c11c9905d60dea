/**
 * Review decisions as the CLI, the admin API and the dashboard make them: approve, edit
 * (the new text passes the same gates as generated text, except the safety check: a person
 * wrote it) and reject with a reason. Decisions return { ok, ... } for the caller to map;
 * a bad edit changes nothing and says which gate stopped it.
 */
import type { Config } from "../config.js";
import { runGates, type GateDecision } from "../content/gates.js";
import { ruleOptions } from "../content/rules-config.js";
import { recentTexts } from "../db/posts.js";
import { approveItem, editItem, rejectItem, reviewItem, type ReviewItem } from "../db/review.js";
import type { Sql } from "../db/sql.js";
import { loadPlanContent } from "./planning/content.js";

/** One decision; `actor` says who or what made it (e.g. "cli:alice", "api", "dashboard"). */
export type ReviewRequest =
  | { readonly action: "approve"; readonly id: string; readonly actor: string; readonly reason?: string | undefined }
  | { readonly action: "reject"; readonly id: string; readonly actor: string; readonly reason: string }
  | { readonly action: "edit"; readonly id: string; readonly actor: string; readonly tweets: readonly string[] };

/** The outcome: the item after the decision, or why nothing changed. */
export type ReviewResult = { readonly ok: true; readonly item: ReviewItem } | { readonly ok: false; readonly problem: "not_in_review" | "gate"; readonly message: string };

const notInReview = (id: string): ReviewResult => ({ ok: false, problem: "not_in_review", message: `item #${id} is not waiting for review (unknown, or already decided)` });

/** The author a held reply answers (from its origin), for the mention rule. */
function replyAuthor(item: ReviewItem): string | undefined {
  const origin = item.origin as { target?: { author?: unknown } } | null;
  return typeof origin?.target?.author === "string" ? origin.target.author : undefined;
}

/**
 * The gates for text a person wrote (a review edit, `xbot queue add`): every rule gate, the
 * banned phrases and the near-duplicate check against recent posts (`own` texts excluded),
 * but no model safety check.
 */
export async function gateOperatorText(
  sql: Sql,
  config: Config,
  tweets: readonly string[],
  options: { kind: "post" | "reply"; replyTo?: string | undefined; own?: readonly string[] },
): Promise<GateDecision> {
  const content = await loadPlanContent();
  const own = new Set(options.own ?? []);
  const recent = (await recentTexts(sql, config.XBOT_ACCOUNT_ID)).filter((t) => !own.has(t.text));
  return runGates({ tweets }, { recentTexts: recent, bannedPhrases: content.banned, rules: ruleOptions(config, options.kind, options.replyTo) });
}

function gateEdit(sql: Sql, config: Config, item: ReviewItem, tweets: readonly string[]) {
  return gateOperatorText(sql, config, tweets, { kind: item.kind === "reply" ? "reply" : "post", replyTo: replyAuthor(item), own: item.tweets });
}

/** Applies one review decision at `now`. */
export async function decideReview(sql: Sql, config: Config, now: Date, request: ReviewRequest): Promise<ReviewResult> {
  const account = config.XBOT_ACCOUNT_ID;
  switch (request.action) {
    case "approve": {
      const out = await approveItem(sql, account, request.id, request.actor, now, request.reason);
      return out.success ? { ok: true, item: out.item } : notInReview(request.id);
    }
    case "reject": {
      const out = await rejectItem(sql, account, request.id, request.actor, now, request.reason);
      return out.success ? { ok: true, item: out.item } : notInReview(request.id);
    }
    case "edit": {
      const item = await reviewItem(sql, account, request.id);
      if (!item) return notInReview(request.id);
      const shape = item.kind === "thread" ? request.tweets.length >= 2 : request.tweets.length === 1;
      if (!shape) return { ok: false, problem: "gate", message: item.kind === "thread" ? "a thread has at least two tweets" : `a ${item.kind} has exactly one tweet` };
      const gate = await gateEdit(sql, config, item, request.tweets);
      if (!gate.success) return { ok: false, problem: "gate", message: `gate ${gate.gate}: ${gate.reason}` };
      const out = await editItem(sql, account, request.id, request.actor, now, request.tweets, { rules: "passed", safety: "edited by a person", editedBy: request.actor });
      return out.success ? { ok: true, item: out.item } : notInReview(request.id);
    }
  }
}
