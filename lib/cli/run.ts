/** `xbot run <job> [--mode live|dry|shadow] [--params JSON] [--remote URL]` */
import { loadConfig } from "../config.js";
import { ACCOUNT_ID } from "../db/accounts.js";
import { toXbotError } from "../errors.js";
import { checkParams, type Mode } from "../jobs/job.js";
import { runJob, type RunResult } from "../runtime/runner.js";
import { progress, withRuntime, type CliContext } from "./context.js";
import { CliFailure, EXIT, UsageError, toJson, type ExitCode } from "./io.js";

/** Options of the run command. */
export interface RunArgs {
  readonly job: string;
  readonly mode?: string | undefined;
  readonly params?: string | undefined;
  readonly remote?: string | undefined;
  /** The account to run it for (an accounts row id). */
  readonly account?: string | undefined;
}

const MODES: readonly Mode[] = ["live", "dry", "shadow"];

function parseMode(mode: string | undefined): Mode | undefined {
  if (mode === undefined) return undefined;
  if (!MODES.includes(mode as Mode)) throw new UsageError(`--mode must be one of ${MODES.join(", ")} (got "${mode}")`);
  return mode as Mode;
}

function parseParams(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--params is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new UsageError("--params must be a JSON object, e.g. '{\"limit\":1}'");
  return value as Record<string, unknown>;
}

/** Runs a job locally (in-process) or on a deployment. */
export async function runCommand(ctx: CliContext, args: RunArgs): Promise<ExitCode> {
  const mode = parseMode(args.mode);
  const params = parseParams(args.params);
  const account = args.account === undefined ? undefined : parseAccount(args.account);
  const result = args.remote ? await runRemote(ctx, args.remote, args.job, mode, params, account) : await runLocal(ctx, args.job, mode, params, account);
  printResult(ctx, result);
  return result.status === "failed" ? EXIT.failure : EXIT.ok;
}

function parseAccount(id: string): string {
  if (!ACCOUNT_ID.test(id)) throw new UsageError(`--account must be an account id (1-32 of a-z, 0-9, _ and -; xbot account list), got "${id.slice(0, 40)}"`);
  return id;
}

async function runLocal(ctx: CliContext, job: string, mode: Mode | undefined, params: Record<string, unknown> | undefined, account: string | undefined): Promise<RunResult> {
  return withRuntime(ctx, true, async (local) => {
    const definition = local.deps.catalog.runnable(job);
    if (!definition) throw new UsageError(`unknown job "${job}"; jobs: ${local.deps.catalog.order.join(", ")}`);
    const checked = checkParams(definition, params);
    if (!checked.ok) throw new UsageError(`--params: ${checked.message}`); // the routes' 400: before the run, nothing recorded
    progress(ctx, `running ${job}${account ? ` for account ${account}` : ""}…`);
    try {
      return await runJob(local.deps, { job, trigger: "manual", ...(mode ? { mode } : {}), ...(params ? { params } : {}), ...(account ? { account } : {}) });
    } catch (error) {
      if (toXbotError(error).code === "not_found") throw new UsageError((error as Error).message);
      throw error;
    }
  });
}

async function runRemote(ctx: CliContext, remote: string, job: string, mode: Mode | undefined, params: Record<string, unknown> | undefined, account: string | undefined): Promise<RunResult> {
  let base: URL;
  try {
    base = new URL(remote);
    if (base.protocol !== "https:" && base.protocol !== "http:") throw new Error("not http(s)");
  } catch {
    throw new UsageError(`--remote must be the deployment's http(s) URL, e.g. https://xbot.example.vercel.app (got "${remote}")`);
  }
  const token = loadConfig(ctx.env).XBOT_ADMIN_TOKEN;
  if (!token) throw new CliFailure("XBOT_ADMIN_TOKEN is not set", "export XBOT_ADMIN_TOKEN=<the deployment's admin token> (vercel env pull shows it)", EXIT.config);
  const url = new URL(`api/jobs/${encodeURIComponent(job)}`, base.href.endsWith("/") ? base.href : `${base.href}/`);
  progress(ctx, `POST ${url.href}`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ ...(mode ? { mode } : {}), ...(params ? { params } : {}), ...(account ? { account } : {}) }),
      signal: AbortSignal.timeout(15 * 60_000),
    });
  } catch (error) {
    throw new CliFailure(`could not reach ${url.origin}: ${(error as Error).message}`, "check the URL and your network");
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CliFailure(`${url.href} answered ${response.status} without JSON: ${text.slice(0, 200)}`, "is this an xbot deployment? (Vercel deployment protection answers with an HTML login page)");
  }
  if (response.status === 401) throw new CliFailure(`unauthorized: ${String(body.message ?? "")}`, "XBOT_ADMIN_TOKEN here differs from the deployment's");
  if (response.status === 404) throw new UsageError(`the deployment has no job "${job}": ${String(body.message ?? "")}`);
  if (typeof body.status !== "string" || typeof body.runId !== "string") {
    throw new CliFailure(`${url.href} answered ${response.status}: ${String(body.error ?? "")} ${String(body.message ?? text.slice(0, 200))}`.trim());
  }
  return body as unknown as RunResult;
}

function printResult(ctx: CliContext, result: RunResult): void {
  if (ctx.json) {
    ctx.io.out(toJson(result));
    return;
  }
  const why = result.reason ? ` (${result.reason})` : result.errorCode ? ` (${result.errorCode}${result.retryable ? ", retryable" : ""})` : "";
  ctx.io.out(`${result.job}: ${result.status}${why} in ${result.durationMs} ms, mode ${result.mode}, run ${result.runId}`);
  if (result.summary && Object.keys(result.summary).length > 0) ctx.io.out(`summary: ${JSON.stringify(result.summary)}`);
}
