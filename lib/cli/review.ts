/**
 * `xbot queue review | show <id> | approve <id> [--reason R] | edit <id> <text...> [--thread] |
 * reject <id> --reason R`: the review queue from the command line. Decisions are recorded as
 * `cli:<login name>`.
 */
import { listReview, reviewItem, type ReviewItem } from "../db/review.js";
import { decideReview, type ReviewRequest } from "../jobs/review.js";
import { withRuntime, type CliContext } from "./context.js";
import { CliFailure, EXIT, excerpt, isoTime, table, toJson, UsageError, type ExitCode } from "./io.js";

/** Arguments of the review actions of `xbot queue`. */
export interface ReviewArgs {
  readonly action: "review" | "show" | "approve" | "edit" | "reject";
  readonly rest: readonly string[];
  readonly thread: boolean;
  readonly reason: string | undefined;
}

const itemJson = (i: ReviewItem) => ({ ...i, dueAt: isoTime(i.dueAt), reviewUntil: i.reviewUntil ? isoTime(i.reviewUntil) : null });

function idOf(args: ReviewArgs): string {
  const id = args.rest[0];
  if (!id || !/^\d{1,18}$/.test(id)) throw new UsageError(`usage: xbot queue ${args.action} <id>  (the id from xbot queue review)`);
  return id;
}

function requestOf(ctx: CliContext, args: ReviewArgs, id: string): ReviewRequest {
  const actor = `cli:${(ctx.env.USER ?? ctx.env.LOGNAME ?? "operator").replace(/[^\w.-]/g, "").slice(0, 32) || "operator"}`;
  const reason = args.reason?.trim();
  if (args.action === "approve") return { action: "approve", id, actor, reason };
  if (args.action === "reject") {
    if (!reason) throw new UsageError('usage: xbot queue reject <id> --reason "why"');
    return { action: "reject", id, actor, reason };
  }
  const texts = args.rest.slice(1);
  const tweets = args.thread ? texts.map((t) => t.trim()).filter(Boolean) : [texts.join(" ").trim()].filter(Boolean);
  if (tweets.length === 0) throw new UsageError('usage: xbot queue edit <id> "new text"   or   xbot queue edit <id> --thread "first" "second" ...');
  return { action: "edit", id, actor, tweets };
}

function show(ctx: CliContext, item: ReviewItem): void {
  if (ctx.json) {
    ctx.io.out(toJson({ item: itemJson(item) }));
    return;
  }
  ctx.io.out(`#${item.id} ${item.kind} (${item.source}) held: ${item.reason ?? "-"}; expires ${item.reviewUntil ? isoTime(item.reviewUntil) : "never"}`);
  for (const [i, t] of item.tweets.entries()) ctx.io.out(`  [${i + 1}] ${t}`);
  ctx.io.out(`  checks ${JSON.stringify(item.checks)}`);
  if (item.origin) ctx.io.out(`  origin ${JSON.stringify(item.origin)}`);
}

/** Runs one review action. */
export async function reviewCommand(ctx: CliContext, args: ReviewArgs): Promise<ExitCode> {
  if (args.action === "review") {
    return withRuntime(ctx, false, async ({ deps, config }) => {
      const items = await listReview(deps.clients.sql, config.XBOT_ACCOUNT_ID, 100);
      if (ctx.json) ctx.io.out(toJson({ items: items.map(itemJson) }));
      else if (items.length === 0) ctx.io.out("nothing waits for review");
      else
        ctx.io.out(
          table(
            ["id", "kind", "expires", "held because", "text"],
            items.map((i) => [i.id, i.kind, i.reviewUntil ? isoTime(i.reviewUntil) : "-", excerpt(i.reason ?? "-", 40), excerpt(i.tweets[0] ?? "")]),
          ),
        );
      return EXIT.ok;
    });
  }
  const id = idOf(args);
  const request = args.action === "show" ? null : requestOf(ctx, args, id);
  return withRuntime(ctx, false, async ({ deps, config }) => {
    if (!request) {
      const item = await reviewItem(deps.clients.sql, config.XBOT_ACCOUNT_ID, id);
      if (!item) throw new CliFailure(`item #${id} is not waiting for review`, "xbot queue review");
      show(ctx, item);
      return EXIT.ok;
    }
    const result = await decideReview(deps.clients.sql, config, new Date(), request);
    if (!result.ok) throw new CliFailure(result.message, result.problem === "gate" ? "change the text and save again" : "xbot queue review", EXIT.failure, { id, problem: result.problem });
    if (ctx.json) ctx.io.out(toJson({ action: request.action, item: itemJson(result.item) }));
    else ctx.io.out(`${{ approve: "approved", reject: "rejected", edit: "edited (still waiting for review)" }[request.action]} #${id}`);
    return EXIT.ok;
  });
}
