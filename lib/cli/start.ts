/**
 * `npm start`: xbot on this machine with zero configuration and no network. Serves every
 * api/ route and the dashboard on 127.0.0.1:XBOT_PORT, fires each job on its cron, and runs
 * against the sandbox X site unless XBOT_X_BASE_URL is set. See lib/dev/server.ts. It lives
 * with the CLI because the server it starts also runs `xbot` commands (lib/cli/local-cli.ts).
 *
 * `npm start -- --once`: runs every job once in dependency order, prints a summary table and
 * exits (1 if any failed). A bad config exits 1 with one message naming every bad variable.
 */
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../config.js";
import { SECRETS_EXIT_CODE, SecretsFileError } from "../dev/secrets.js";
import { XbotError } from "../errors.js";
import type { LogSink } from "../log.js";
import { effectiveModeLabel } from "../jobs/mode.js";
import { runJob, type RunResult } from "../runtime/runner.js";
import { sessionVault } from "../db/x-sessions.js";
import { loadSession } from "../x/session-store.js";
import { liveInstance } from "../dev/instance.js";
import { baseConfig, describeConfig, openLocal, type LocalRuntime, type SandboxSessionOutcome } from "../dev/local.js";
import { prettySink } from "../dev/log-format.js";
import { startLocalServer, type LocalServer } from "../dev/server.js";
import { localCli } from "./local-cli.js";

const USAGE = `usage: npm start [-- --once [--json]]

  (no options)  serve the API and the dashboard on 127.0.0.1:XBOT_PORT and run every job on its schedule
  --once        run every job once in dependency order, print a summary and exit (1 if any failed)
  --json        with --once: the summary as JSON on stdout`;

function stderrSink(): LogSink {
  return process.stderr.isTTY ? prettySink((line) => process.stderr.write(`${line}\n`)) : (line) => process.stderr.write(`${line}\n`);
}

function stdoutSink(): LogSink {
  return process.stdout.isTTY ? prettySink((line) => process.stdout.write(`${line}\n`)) : (line) => process.stdout.write(`${line}\n`);
}

/** What the start banner says about the sandbox session. */
const SESSION_NOTES: Record<SandboxSessionOutcome, string> = {
  imported: ", session stored",
  unchanged: ", session stored",
  kept: " (WARNING: another handle's session is stored; the sandbox cannot use it)",
  unreadable: " (WARNING: the stored X session cannot be decrypted with XBOT_SESSION_KEY; it was left as it is, see the log)",
};

async function main(argv: string[]): Promise<number> {
  let values: { once?: boolean; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { once: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = baseConfig(process.env);
  return values.once ? once(config.XBOT_DATA_DIR, values.json === true) : serve();
}

/** The server until SIGINT/SIGTERM. */
async function serve(): Promise<number> {
  process.stderr.write("xbot: starting (the embedded database takes a few seconds on first use)…\n");
  const server = await startLocalServer({ logSink: stdoutSink(), cli: localCli });
  printBanner(server, server.local.sandbox ? "" : await sessionState(server.local));
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`xbot: ${signal} again: exiting now\n`);
        void server.local.close().finally(() => process.exit(130));
        return;
      }
      stopping = true;
      const running = server.scheduler?.inFlight() ?? 0;
      process.stderr.write(`\nxbot: ${signal}: stopping${running > 0 ? ` (waiting for ${running} run(s) in flight; ${signal} again to exit now)` : ""}…\n`);
      void server.close().then(resolveStop, resolveStop);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  process.stderr.write("xbot: stopped\n");
  return 0;
}

/** What is stored as the X session, for the banner (real X sites only). */
async function sessionState(local: LocalRuntime): Promise<string> {
  const key = local.config.XBOT_SESSION_KEY;
  if (!key) return "no XBOT_SESSION_KEY";
  try {
    const stored = await loadSession(sessionVault(local.deps.clients.sql), local.config.XBOT_ACCOUNT_ID, key);
    return stored ? `session of @${stored.username ?? "?"} stored` : "no session stored: npx xbot session import <file>";
  } catch {
    return "the stored session cannot be read with this XBOT_SESSION_KEY";
  }
}

function printBanner(server: LocalServer, session: string): void {
  const { local, url } = server;
  const { config } = local;
  const where = describeConfig(config);
  const dataDir = resolve(config.XBOT_DATA_DIR);
  const jobs = local.deps.catalog.order;
  const lines = [
    "",
    `xbot is running (pid ${process.pid})`,
    `  dashboard    ${url}/`,
    `  API          ${url}/api/health       public status; the full report with the admin token`,
    `               ${url}/api/status       dashboard data (admin token)`,
    `               ${url}/api/jobs/<job>   POST with the admin token: ${jobs.join(", ")}`,
    `               ${url}/api/queue        QStash deliveries${config.QSTASH_CURRENT_SIGNING_KEY ? "" : " (refused: no QSTASH_*_SIGNING_KEY)"}`,
    local.sandbox
      ? `  X site       sandbox ${local.sandbox.url}/home as @${local.sandbox.user}${SESSION_NOTES[local.sandboxSession ?? "imported"]}`
      : `  X site       ${where.x}${config.XBOT_X_USER ? ` as @${config.XBOT_X_USER}` : ""} (${session})`,
    `  data dir     ${dataDir}`,
    `  database     ${where.db}`,
    `  state        ${where.state}`,
    `  browser      ${where.browser}`,
    `  LLM          ${where.llm}`,
    `  mode         ${effectiveModeLabel(config)}${local.sandbox ? " (on the sandbox)" : ""}`,
    `  schedule     ${(server.scheduler?.entries() ?? []).map((e) => `${e.job} "${e.schedule}"`).join(", ") || "off"} (UTC)`,
    adminTokenLine(local),
    "",
    "  CLI: npx xbot status | run <job> | queue list | doctor ...   Ctrl-C stops.",
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

function adminTokenLine(local: LocalRuntime): string {
  const file = local.secrets ? relativePath(local.secrets.path) : null;
  switch (local.adminTokenSource) {
    case "generated":
      return `  admin token  ${local.config.XBOT_ADMIN_TOKEN}\n               (generated now, stored in ${file} with mode 0600; shown only this once)`;
    case "file":
      return `  admin token  stored in ${file} (XBOT_ADMIN_TOKEN)`;
    case "env":
      return "  admin token  from XBOT_ADMIN_TOKEN";
    default:
      return "  admin token  not set";
  }
}

function relativePath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}

/** Every job once, in topological order; a summary table; exit 1 if any failed. */
async function once(dataDir: string, json: boolean): Promise<number> {
  const running = liveInstance(dataDir);
  if (running) {
    console.error(`xbot: a local server (pid ${running.pid}, ${running.url}) owns ${dataDir}; stop it first, or use another XBOT_DATA_DIR`);
    return 1;
  }
  process.stderr.write("xbot: --once: preparing (database, sandbox, session)…\n");
  const local = await openLocal({ sandboxPort: 0, logSink: stderrSink() });
  const results: (RunResult | { job: string; status: "failed"; reason?: string; errorCode: string; durationMs: number })[] = [];
  try {
    for (const job of local.deps.catalog.order) {
      process.stderr.write(`xbot: running ${job}…\n`);
      const started = Date.now();
      try {
        results.push(await runJob(local.deps, { job, trigger: "local" }));
      } catch (error) {
        results.push({ job, status: "failed", errorCode: error instanceof XbotError ? error.code : "internal", reason: (error as Error).message, durationMs: Date.now() - started });
      }
    }
  } finally {
    await local.close();
  }
  const failed = results.filter((r) => r.status === "failed").length;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: failed === 0, results }, null, 2)}\n`);
  } else {
    const rows = results.map((r) => {
      const summary = "summary" in r && r.summary && typeof r.summary.error === "string" ? r.summary.error : undefined;
      const why = r.status === "failed" ? [r.errorCode, summary ?? r.reason].filter(Boolean).join(": ") : (r.reason ?? compact("summary" in r ? r.summary : undefined));
      return [r.job, r.status, why.replace(/\s+/g, " ").slice(0, 100), `${r.durationMs} ms`];
    });
    const head = ["job", "status", "reason / error / summary", "duration"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd();
    process.stdout.write(`${[line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`);
    process.stdout.write(`\n${results.length - failed} of ${results.length} job(s) did not fail${failed > 0 ? `; ${failed} failed` : ""} (data dir ${resolve(dataDir)})\n`);
  }
  return failed > 0 ? 1 : 0;
}

/** `key=value` of a summary's scalar fields (what an ok run did, at a glance). */
function compact(summary: Record<string, unknown> | undefined): string {
  if (!summary) return "";
  return Object.entries(summary)
    .filter(([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(`xbot: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof SecretsFileError ? SECRETS_EXIT_CODE : 1);
  },
);
