/** `xbot status`, `xbot breaker ...`, `xbot queue ...`, `xbot migrate`. */
import { ACCOUNT_ID, listAccounts } from "../db/accounts.js";
import { egressWarnings, sharedEgress } from "../runtime/egress-sharing.js";
import { breakerFor } from "../state/keys.js";
import { checkLength } from "../content/length.js";
import { migrate } from "../db/migrate.js";
import { listPosts } from "../db/posts.js";
import { cancelItem, enqueue, listItems, queueCounts, type ItemStatus, type QueueItem } from "../db/queue.js";
import { createClients } from "../runtime/clients.js";
import { healthReport } from "../runtime/health.js";
import { BREAKER_POLICIES } from "../resilience/policies.js";
import { breakerPhase, CLOSED_BREAKER, type BreakerRecord } from "../state/breaker.js";
import type { StateStore } from "../state/store.js";
import { loadConfig } from "../config.js";
import { describeConfig } from "../dev/local.js";
import { incidentLines } from "./alerts.js";
import { progress, withRuntime, type CliContext } from "./context.js";
import { checkMediaExist, mediaPerTweet, quotedId } from "./queue-extras.js";
import { gateOperatorText } from "../jobs/review.js";
import type { GateName } from "../content/gates.js";
import { ago, CliFailure, EXIT, excerpt, isoTime, table, toJson, UsageError, type ExitCode } from "./io.js";

const LEVEL_NAMES = ["survival", "minimal", "reduced", "full"] as const;

/** `xbot status`: health, breakers, jobs, queue. Exit 1 when down. */
export async function statusCommand(ctx: CliContext): Promise<ExitCode> {
  return withRuntime(ctx, false, async ({ deps, config }) => {
    const [health, counts] = await Promise.all([healthReport(deps), queueCounts(deps.clients.sql, config.XBOT_ACCOUNT_ID, new Date((deps.clock ?? { now: Date.now }).now())).catch(() => null)]);
    if (ctx.json) {
      ctx.io.out(toJson({ health, queue: counts }));
      return health.status === "down" ? EXIT.failure : EXIT.ok;
    }
    const now = Date.now();
    const where = describeConfig(config);
    ctx.io.out(`status  ${health.status}, level ${health.level} (${LEVEL_NAMES[health.level] ?? "?"})`);
    ctx.io.out(
      `probes  db ${health.probes.db.ok ? "ok" : `DOWN: ${health.probes.db.error?.message ?? ""}`}, state ${health.probes.state.ok ? "ok" : `DOWN: ${"error" in health.probes.state ? health.probes.state.error : ""}`}`,
    );
    ctx.io.out(`where   db ${where.db}; state ${where.state}; x ${where.x}; mode ${config.XBOT_MODE}`);
    for (const line of incidentLines(health.incidents, now)) ctx.io.out(line);
    const accounts = await listAccounts(deps.clients.sql).catch(() => []);
    if (accounts.length > 0) ctx.io.out(`accounts ${accounts.map((a) => `${a.id}${a.status === "paused" ? " (paused)" : ""}`).join(", ")}`);
    for (const w of egressWarnings(sharedEgress(config, accounts))) ctx.io.out(`warning ${w}`);
    ctx.io.out(`browser ${health.resources.browser.used ?? "?"}/${health.resources.browser.slots} slots in use`);
    const breakers = Object.entries(health.breakers);
    const closed = health.breakerNames.filter((name) => (health.breakers[name]?.phase ?? "closed") === "closed");
    const notClosed = breakers.filter(([, b]) => b.phase !== "closed");
    ctx.io.out(
      `breakers ${[...notClosed.map(([name, b]) => `${name} ${b.phase}${b.state === "open" ? ` (retry ${ago(now - b.retryAtMs)})` : ""}`), ...(closed.length ? [`closed: ${closed.join(", ")}`] : [])].join("; ")}`,
    );
    ctx.io.out("");
    const rows = health.order.map((name) => {
      const job = health.jobs[name];
      const last = health.lastRuns[name];
      const lastText = last ? `${last.status}${last.reason ? ` (${last.reason})` : last.errorCode ? ` (${last.errorCode})` : ""} ${ago(now - new Date(last.startedAt).getTime())}` : "never ran";
      const healthText = !job ? "?" : job.lastSuccessAt === null ? "no success yet" : job.healthy ? "healthy" : "OVERDUE";
      return [name, healthText, job?.lastSuccessAt ? ago(now - job.lastSuccessAt) : "-", lastText];
    });
    ctx.io.out(table(["job", "health", "last success", "last run"], rows));
    if (counts)
      ctx.io.out(
        `\nqueue   ${Object.entries(counts)
          .map(([s, n]) => `${s} ${n}`)
          .join(", ")}`,
      );
    return health.status === "down" ? EXIT.failure : EXIT.ok;
  });
}

const BREAKER_NAMES = Object.keys(BREAKER_POLICIES);

function breakerName(name: string | undefined): string {
  if (!name) throw new UsageError(`name a breaker: ${BREAKER_NAMES.join(", ")}`);
  if (!BREAKER_NAMES.includes(name)) throw new UsageError(`unknown breaker "${name}"; breakers: ${BREAKER_NAMES.join(", ")}`);
  return name;
}

function breakerRow(name: string, record: BreakerRecord, now: number): Record<string, unknown> {
  const phase = breakerPhase(record, now);
  return {
    name,
    phase,
    failures: record.failures,
    opens: record.opens,
    openedAt: record.state === "closed" ? null : new Date(record.openedAtMs).toISOString(),
    retryAt: record.state === "open" ? new Date(record.retryAtMs).toISOString() : null,
  };
}

/** `xbot breaker list | reset <name> | isolate <name>` */
export async function breakerCommand(ctx: CliContext, action: string | undefined, name: string | undefined, account?: string): Promise<ExitCode> {
  if (action !== "list" && action !== "reset" && action !== "isolate") throw new UsageError("usage: xbot breaker list | reset <name> [--account ID] | isolate <name> [--account ID]");
  if (account !== undefined && !ACCOUNT_ID.test(account)) throw new UsageError(`--account must be an account id (xbot account list), got "${account.slice(0, 40)}"`);
  if (action === "list") return withRuntime(ctx, false, ({ deps }) => breakerList(ctx, deps.clients.state));
  const named = breakerName(name);
  return withRuntime(ctx, false, async ({ deps, config }) => {
    // An account's own breaker (the x breaker, lib/state/keys.ts) is `x@<id>`; the shared ones have no account.
    const target = breakerFor(named, account === config.XBOT_ACCOUNT_ID ? undefined : account);
    const { state } = deps.clients;
    const now = Date.now();
    const record = action === "reset" ? await state.resetBreaker(target) : await state.isolateBreaker(target, now);
    const row = breakerRow(target, record, now);
    if (ctx.json) ctx.io.out(toJson({ breaker: row }));
    else ctx.io.out(action === "reset" ? `breaker ${target} reset: closed` : `breaker ${target} isolated: jobs that need ${target} are skipped until \`xbot breaker reset ${target}\``);
    return EXIT.ok;
  });
}

/** `xbot breaker list`: every known breaker and every stored one, closed ones included. */
async function breakerList(ctx: CliContext, state: StateStore): Promise<ExitCode> {
  const now = Date.now();
  const stored = await state.listBreakers();
  const names = [...new Set([...BREAKER_NAMES, ...Object.keys(stored)])];
  const rows = names.map((n) => breakerRow(n, stored[n] ?? CLOSED_BREAKER, now));
  if (ctx.json) ctx.io.out(toJson({ breakers: rows }));
  else {
    ctx.io.out(
      table(
        ["breaker", "phase", "failures", "opens", "opened", "retry"],
        rows.map((r) => [
          String(r.name),
          String(r.phase),
          String(r.failures),
          String(r.opens),
          r.openedAt ? ago(now - Date.parse(String(r.openedAt))) : "-",
          r.retryAt ? ago(now - Date.parse(String(r.retryAt))) : "-",
        ]),
      ),
    );
  }
  return EXIT.ok;
}

/** What an operator can do about a gate that refused `xbot queue add`. */
const GATE_FIX: Partial<Record<GateName, string>> = {
  link: "remove the link, or allow its domain with XBOT_LINK_DOMAINS (comma list)",
  mention: "posts carry no @mentions; write the name without @",
  tags: "at most one hashtag; cashtags need XBOT_ALLOW_CASHTAGS=true",
  banned: "the text has a phrase from content/banned.json",
  duplicate: "the text is too close to a recent post; write something new",
};

/** Options of `xbot queue`. */
export interface QueueArgs {
  readonly action: string | undefined;
  readonly rest: readonly string[];
  readonly thread: boolean;
  readonly at: string | undefined;
  readonly status: string | undefined;
  readonly limit: string | undefined;
  /** `--media` values (see queue-extras.ts). */
  readonly media?: readonly string[];
  /** `--quote` URL or id. */
  readonly quote?: string | undefined;
}

const STATUSES: readonly ItemStatus[] = ["queued", "review", "posting", "posted", "partial", "failed", "cancelled"];

function itemJson(item: QueueItem): Record<string, unknown> {
  return { ...item, dueAt: isoTime(item.dueAt), postedAt: item.postedAt ? isoTime(item.postedAt) : null };
}

/** `xbot queue list [--status S] [--limit N] | add <text...> [--thread] [--at ISO] | cancel <id>` */
export async function queueCommand(ctx: CliContext, args: QueueArgs): Promise<ExitCode> {
  switch (args.action) {
    case "list": {
      if (args.status !== undefined && !STATUSES.includes(args.status as ItemStatus)) throw new UsageError(`--status must be one of ${STATUSES.join(", ")}`);
      const limit = args.limit === undefined ? 50 : Number(args.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError("--limit must be a whole number from 1 to 1000");
      return withRuntime(ctx, false, async ({ deps, config }) => {
        const items = await listItems(deps.clients.sql, config.XBOT_ACCOUNT_ID, { limit, ...(args.status ? { status: args.status as ItemStatus } : {}) });
        if (ctx.json) ctx.io.out(toJson({ items: items.map(itemJson) }));
        else if (items.length === 0) ctx.io.out("the queue is empty");
        else {
          ctx.io.out(
            table(
              ["id", "status", "kind", "due", "source", "topic", "text"],
              items.map((i) => [
                i.id,
                i.status,
                i.tweets.length > 1 ? `${i.kind}×${i.tweets.length}` : i.kind,
                isoTime(i.dueAt),
                i.source,
                i.topic ?? "-",
                excerpt(i.tweets[0] ?? "") + (i.reason && i.status !== "queued" ? `  [${i.reason}]` : ""),
              ]),
            ),
          );
        }
        return EXIT.ok;
      });
    }
    case "add": {
      const tweets = args.thread ? args.rest.map((t) => t.trim()).filter(Boolean) : [args.rest.join(" ").trim()].filter(Boolean);
      if (tweets.length === 0) throw new UsageError('usage: xbot queue add "text" [--at ISO]   or   xbot queue add --thread "first" "second" ...');
      if (args.thread && tweets.length < 2) throw new UsageError("a thread needs at least two tweets: pass each one as its own quoted argument");
      if (tweets.length > 25) throw new UsageError("a thread has at most 25 tweets");
      tweets.forEach((text, i) => {
        // Postgres text cannot hold NUL, and no control character but newline and tab belongs in a post.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the check's purpose is to find control characters
        const control = /[\u0000-\u0008\u000b-\u001f\u007f]/.exec(text);
        if (control) throw new UsageError(`tweet ${i + 1}: contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}; remove it`);
        const check = checkLength(text);
        if (!check.success) throw new UsageError(`tweet ${i + 1}: ${check.reason}`);
      });
      const dueAt = args.at === undefined ? new Date() : new Date(args.at);
      if (Number.isNaN(dueAt.getTime())) throw new UsageError(`--at must be an ISO time such as 2026-01-31T09:30:00Z (got "${args.at}")`);
      const media = mediaPerTweet(args.media ?? [], tweets.length);
      const quoteOf = args.quote === undefined ? null : quotedId(args.quote);
      if (quoteOf && tweets.length > 1) throw new UsageError("--quote takes a single post, not a thread");
      return withRuntime(ctx, false, async ({ deps, config }) => {
        await checkMediaExist(deps.clients.sql, config.XBOT_ACCOUNT_ID, media);
        const gate = await gateOperatorText(deps.clients.sql, config, tweets, { kind: "post" });
        if (!gate.success) throw new CliFailure(`not queued: gate ${gate.gate}: ${gate.reason}`, GATE_FIX[gate.gate] ?? "edit the text and queue it again", EXIT.failure, { gate: gate.gate });
        const item = await enqueue(deps.clients.sql, { accountId: config.XBOT_ACCOUNT_ID, kind: tweets.length > 1 ? "thread" : "single", tweets, source: "manual", dueAt, media, quoteOf });
        if (!item) throw new CliFailure("the same content is already queued or being posted", "xbot queue list --status queued");
        if (ctx.json) ctx.io.out(toJson({ item: itemJson(item) }));
        else ctx.io.out(`queued #${item.id} (${item.kind}${tweets.length > 1 ? `, ${tweets.length} tweets` : ""}) due ${isoTime(item.dueAt)}`);
        return EXIT.ok;
      });
    }
    case "cancel": {
      const id = args.rest[0];
      if (!id || !/^\d{1,18}$/.test(id)) throw new UsageError("usage: xbot queue cancel <id>  (the id from xbot queue list)");
      return withRuntime(ctx, false, async ({ deps, config }) => {
        const cancelled = await cancelItem(deps.clients.sql, config.XBOT_ACCOUNT_ID, id);
        if (!cancelled) throw new CliFailure(`item #${id} is not queued (unknown, already posting, or finished)`, "xbot queue list", EXIT.failure, { id, cancelled });
        ctx.io.out(ctx.json ? toJson({ id, cancelled }) : `cancelled #${id}`);
        return EXIT.ok;
      });
    }
    default:
      throw new UsageError("usage: xbot queue list | add <text...> [--thread] [--at ISO] | cancel <id> | review | show <id> | approve <id> | edit <id> <text...> | reject <id> --reason R");
  }
}

/** `xbot migrate`: applies pending migrations and says which. */
export async function migrateCommand(ctx: CliContext): Promise<ExitCode> {
  const sql = ctx.local ? ctx.local.deps.clients.sql : createClients(loadConfig(ctx.env)).sql;
  progress(ctx, "migrating…");
  const result = await migrate(sql);
  if (ctx.json) ctx.io.out(toJson(result));
  else ctx.io.out(result.applied.length === 0 ? "the schema is up to date" : `applied ${result.applied.join(", ")}`);
  return EXIT.ok;
}

/** `xbot posts [--origin bot|reconciled|ghost] [--limit N]`: what xbot knows is on X. */
export async function postsCommand(ctx: CliContext, origin: string | undefined, limitText: string | undefined): Promise<ExitCode> {
  const ORIGINS = ["bot", "reconciled", "ghost"];
  if (origin !== undefined && !ORIGINS.includes(origin)) throw new UsageError(`--origin must be one of ${ORIGINS.join(", ")}`);
  const limit = limitText === undefined ? 30 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError("--limit must be a whole number from 1 to 1000");
  return withRuntime(ctx, false, async ({ deps, config }) => {
    const rows = await listPosts(deps.clients.sql, config.XBOT_ACCOUNT_ID, { origin: origin ?? null, limit });
    if (ctx.json) ctx.io.out(toJson({ posts: rows.map((r) => ({ ...r, postedAt: isoTime(r.postedAt), deletedAt: r.deletedAt ? isoTime(r.deletedAt) : null })) }));
    else if (rows.length === 0) ctx.io.out(origin ? `no ${origin} posts` : "nothing posted yet");
    else {
      ctx.io.out(
        table(
          ["tweet", "origin", "kind", "posted", "item", "text"],
          rows.map((r) => [r.tweetId, r.origin + (r.deletedAt ? " (deleted)" : ""), r.kind, isoTime(r.postedAt), r.itemId ? `#${r.itemId}` : "-", excerpt(r.text)]),
        ),
      );
    }
    return EXIT.ok;
  });
}
