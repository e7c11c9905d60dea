/**
 * `xbot account add <id> --handle <h> [settings] | list | show <id> | edit <id> [settings] |
 * pause <id> | resume <id> | remove <id>`. Settings come from flags (--timezone, --active-hours,
 * --caps JSON, --voice, --review, --mode, --llm-share, --visits-per-day, --x-base-url,
 * --topics FILE, --evergreen FILE) and/or --settings JSON; every one is validated and each
 * error names its field. --proxy / --browser-endpoint set the egress (stored encrypted;
 * "none" clears it).
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { toXbotError } from "../errors.js";
import { accountView, addAccount, editAccount, listAccounts, removeAccount, requireAccount, type AccountView } from "../runtime/accounts-admin.js";
import { egressWarnings, sharedEgress } from "../runtime/egress-sharing.js";
import { withRuntime, type CliContext } from "./context.js";
import { CliFailure, EXIT, table, toJson, UsageError, type ExitCode } from "./io.js";

/** The flags of the account command. */
export type AccountFlags = Readonly<Record<string, string | boolean | string[] | undefined>>;

export const ACCOUNT_USAGE =
  "usage: xbot account add <id> --handle <h> [settings] | list | show <id> | edit <id> [--handle h] [settings] | pause <id> | resume <id> | remove <id>\n" +
  "settings: --timezone TZ --active-hours 8-22 --caps JSON --voice TEXT --review none|replies|all --mode live|shadow|dry --llm-share 0.5\n" +
  "          --visits-per-day N --x-base-url URL --topics FILE --evergreen FILE --settings JSON --proxy URL|none --browser-endpoint URL|none";

function json(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${flag} is not JSON (e.g. --${flag} '{"postsPerHour":1}')`);
  }
}

async function jsonFile(ctx: CliContext, flag: string, file: string): Promise<unknown> {
  const path = isAbsolute(file) ? file : resolve(ctx.cwd, file);
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new UsageError(`--${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? "not JSON"}`);
  }
}

/** The settings the flags give (only those given). */
async function settingsOf(ctx: CliContext, f: AccountFlags): Promise<Record<string, unknown>> {
  const s = (name: string) => (typeof f[name] === "string" ? (f[name] as string) : undefined);
  const num = (name: string) => (s(name) === undefined ? undefined : Number(s(name)));
  const given = s("settings");
  const out = (given === undefined ? {} : json("settings", given)) as Record<string, unknown>;
  if (out === null || typeof out !== "object" || Array.isArray(out)) throw new UsageError("--settings must be a JSON object");
  const direct: Record<string, unknown> = {
    timezone: s("timezone"),
    activeHours: s("active-hours"),
    voice: s("voice"),
    review: s("review"),
    mode: s("mode"),
    xBaseUrl: s("x-base-url"),
    llmBudgetShare: num("llm-share"),
    xVisitsPerDay: num("visits-per-day"),
  };
  for (const [k, v] of Object.entries(direct)) if (v !== undefined) out[k] = v;
  const [caps, topics, library] = [s("caps"), s("topics"), s("evergreen")];
  if (caps !== undefined) out.caps = json("caps", caps);
  if (topics !== undefined) {
    const t = (await jsonFile(ctx, "topics", topics)) as { topics?: unknown };
    out.topics = Array.isArray(t) ? t : t?.topics;
  }
  if (library !== undefined) {
    const e = (await jsonFile(ctx, "evergreen", library)) as { posts?: unknown };
    out.evergreen = Array.isArray(e) ? e : e?.posts;
  }
  return out;
}

/** The egress the flags give: undefined (unchanged), null (cleared) or the new one. */
function egressOfFlags(f: AccountFlags): Record<string, string> | null | undefined {
  const proxy = typeof f.proxy === "string" ? f.proxy : undefined;
  const ws = typeof f["browser-endpoint"] === "string" ? (f["browser-endpoint"] as string) : undefined;
  if (proxy === undefined && ws === undefined) return undefined;
  if ((proxy ?? "none") === "none" && (ws ?? "none") === "none") return null;
  return { ...(proxy && proxy !== "none" ? { proxyUrl: proxy } : {}), ...(ws && ws !== "none" ? { browserWsEndpoint: ws } : {}) };
}

function print(ctx: CliContext, view: AccountView, what: string): void {
  if (ctx.json) ctx.io.out(toJson(view));
  else ctx.io.out(`${what} account ${view.id} (@${view.handle}, ${view.status}); settings ${JSON.stringify(view.settings)}; egress ${egressText(view)}`);
}

function egressText(view: AccountView): string {
  if (!view.egress) return "the env's";
  return [view.egress.proxy ? "proxy" : "", view.egress.browserEndpoint ? "remote browser" : ""].filter(Boolean).join(" + ") || "unreadable (XBOT_SESSION_KEY?)";
}

/** Runs one account action. */
export async function accountCommand(ctx: CliContext, action: string | undefined, id: string | undefined, flags: AccountFlags): Promise<ExitCode> {
  if (!action || !["add", "list", "show", "edit", "pause", "resume", "remove"].includes(action) || (action === "list") !== (id === undefined)) throw new UsageError(ACCOUNT_USAGE);
  const settings = action === "add" || action === "edit" ? await settingsOf(ctx, flags) : {};
  return withRuntime(ctx, false, async ({ deps, config }) => {
    const sql = deps.clients.sql;
    try {
      if (action === "list" || id === undefined) return list(ctx, config, await listAccounts(sql));
      const key = id;
      if (action === "show") print(ctx, accountView(config, await requireAccount(sql, key)), "");
      else if (action === "remove") {
        await removeAccount(sql, key);
        ctx.io.out(ctx.json ? toJson({ ok: true, removed: key }) : `removed account ${key} (its posts, runs and incidents stay under its id)`);
      } else if (action === "add") {
        const handle = typeof flags.handle === "string" ? flags.handle : undefined;
        const egress = egressOfFlags(flags);
        print(ctx, accountView(config, await addAccount(sql, config, { id: key, handle, settings, ...(egress ? { egress } : {}) })), "added");
      } else {
        const egress = egressOfFlags(flags);
        const patch = {
          ...(typeof flags.handle === "string" ? { handle: flags.handle } : {}),
          ...(Object.keys(settings).length ? { settings } : {}),
          ...(egress !== undefined ? { egress } : {}),
          ...(action === "pause" ? { status: "paused" } : action === "resume" ? { status: "active" } : {}),
        };
        print(ctx, accountView(config, await editAccount(sql, config, key, patch)), action === "edit" ? "edited" : action === "pause" ? "paused" : "resumed");
      }
      if (!ctx.json) for (const w of egressWarnings(sharedEgress(config, await listAccounts(sql)))) ctx.io.err(`warning: ${w}`);
      return EXIT.ok;
    } catch (error) {
      const e = toXbotError(error);
      if (e.code === "validation") throw new UsageError(e.message);
      if (e.code === "not_found" || e.code === "conflict")
        throw new CliFailure(e.message, action === "add" ? "pick another id or handle (xbot account list)" : "xbot account list shows the accounts", EXIT.failure, { code: e.code });
      throw error;
    }
  });
}

function list(ctx: CliContext, config: Parameters<typeof accountView>[0], rows: Awaited<ReturnType<typeof listAccounts>>): ExitCode {
  const views = rows.map((r) => accountView(config, r));
  const warnings = egressWarnings(sharedEgress(config, rows));
  if (ctx.json) {
    ctx.io.out(toJson({ accounts: views, warnings }));
    return EXIT.ok;
  }
  if (views.length === 0) ctx.io.out(`no accounts: the deployment runs the env's single account (${config.XBOT_ACCOUNT_ID})`);
  else
    ctx.io.out(
      table(
        ["id", "handle", "status", "egress", "settings"],
        views.map((v) => [v.id, `@${v.handle}`, v.status, egressText(v), Object.keys(v.settings).join(",") || "-"]),
      ),
    );
  for (const w of warnings) ctx.io.err(`warning: ${w}`);
  return EXIT.ok;
}
