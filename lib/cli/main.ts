/**
 * The `xbot` command line (bin/xbot.mjs). Every command works on the configuration of the
 * environment, like the deployment. When a local server (`npm start`) owns XBOT_DATA_DIR,
 * commands are sent to it (POST /__xbot/cli with the admin token), because the embedded
 * database can be opened by one process only.
 *
 * Exit codes: 0 ok, 1 failure, 2 usage error, 3 config error.
 */
import { isAbsolute, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { XbotError } from "../errors.js";
import { liveInstance, type InstanceInfo } from "../dev/instance.js";
import type { LocalRuntime } from "../dev/local.js";
import { readSecrets } from "../dev/secrets.js";
import type { CliContext } from "./context.js";
import { CliFailure, EXIT, processIo, toJson, UsageError, type CliIo, type ExitCode } from "./io.js";

/** Options of {@link runCli}. */
export interface CliOptions {
  readonly env?: Record<string, string | undefined>;
  readonly io?: CliIo;
  readonly cwd?: string;
  /** The local server's runtime, when the server runs a command sent to it. */
  readonly local?: LocalRuntime;
}

export const USAGE = `usage: xbot <command> [options]

commands:
  run <job> [--mode live|dry|shadow] [--params JSON] [--remote URL] [--account ID]
                                   run a job here (in-process), or on a deployment with --remote
                                   (POST /api/jobs/<job> with XBOT_ADMIN_TOKEN); --account runs it
                                   for one account of the accounts table
  account add <id> --handle <h> [settings] | list | show <id> | edit <id> [settings]
  account pause <id> | resume <id> | remove <id>
                                   the X accounts this deployment runs (none: the env's single
                                   account); settings: --timezone --active-hours --caps JSON --voice
                                   --review --mode --llm-share --visits-per-day --x-base-url
                                   --topics FILE --evergreen FILE --settings JSON; egress:
                                   --proxy URL --browser-endpoint URL (stored encrypted)
  status                           health, open incidents, breakers, jobs and queue
  breaker list                     every breaker with its phase and cool-down
  breaker reset <name> [--account ID]
                                   close a breaker and clear its history (x: that account's)
  breaker isolate <name> [--account ID]
                                   hold a breaker open until reset (jobs needing it are skipped)
  session import <file> [--account ID]
                                   validate a storage-state JSON in a browser, encrypt and store it
  session check [--account ID]     does the stored session still log in?
  queue list [--status S] [--limit N]
  queue add <text...> [--thread] [--at ISO] [--media IDS | --media N=IDS ...] [--quote URL]
                                   queue a post (with --thread, each argument is one tweet);
                                   --media 3,4 puts library images on tweet 1, --media 2=5 on tweet 2;
                                   --quote quotes a post (its URL or id)
  media add <file> --alt TEXT [--tags a,b]
                                   add an image (PNG, JPEG, WebP, GIF) to the library; alt text
                                   is required, EXIF/GPS metadata is stripped before storing
  media list [--tag T]
  queue cancel <id>
  queue review                     items waiting for a person (XBOT_REVIEW, safety check)
  queue show <id>                  a held item in full, with its checks and origin
  queue approve <id> [--reason R]  let a held item be posted
  queue edit <id> <text...> [--thread]
                                   change a held item (re-gated; it stays in review)
  queue reject <id> --reason R     never post a held item
  posts [--origin bot|reconciled|ghost] [--limit N]
                                   what xbot knows is on X (ghosts: on X, never posted by xbot)
  alerts test                      send a test alert to every XBOT_ALERT_WEBHOOK_URL
  migrate                          apply pending database migrations
  doctor [--online]                check config, db, state, qstash, llm, browser and session

options:
  --json       machine-readable output on stdout (progress stays on stderr)
  --verbose    runtime log lines on stderr
  -h, --help   this text

exit codes: 0 ok, 1 failure, 2 usage error, 3 config error`;

type Spec = NonNullable<ParseArgsConfig["options"]>;
const COMMON: Spec = { json: { type: "boolean" }, verbose: { type: "boolean" }, help: { type: "boolean", short: "h" } };
const SPECS: Record<string, Spec> = {
  run: { ...COMMON, mode: { type: "string" }, params: { type: "string" }, remote: { type: "string" }, account: { type: "string" } },
  status: COMMON,
  breaker: { ...COMMON, account: { type: "string" } },
  session: { ...COMMON, account: { type: "string" } },
  account: {
    ...COMMON,
    handle: { type: "string" },
    settings: { type: "string" },
    timezone: { type: "string" },
    "active-hours": { type: "string" },
    caps: { type: "string" },
    voice: { type: "string" },
    review: { type: "string" },
    mode: { type: "string" },
    "llm-share": { type: "string" },
    "visits-per-day": { type: "string" },
    "x-base-url": { type: "string" },
    topics: { type: "string" },
    evergreen: { type: "string" },
    proxy: { type: "string" },
    "browser-endpoint": { type: "string" },
  },
  queue: {
    ...COMMON,
    thread: { type: "boolean" },
    at: { type: "string" },
    status: { type: "string" },
    limit: { type: "string" },
    media: { type: "string", multiple: true },
    quote: { type: "string" },
    reason: { type: "string" },
  },
  media: { ...COMMON, alt: { type: "string" }, tags: { type: "string" }, tag: { type: "string" } },
  posts: { ...COMMON, origin: { type: "string" }, limit: { type: "string" } },
  migrate: COMMON,
  alerts: COMMON,
  doctor: { ...COMMON, online: { type: "boolean" } },
};

/** Runs the CLI; resolves to the exit code (never calls process.exit). */
export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<ExitCode> {
  const io = options.io ?? processIo;
  const env = options.env ?? process.env;
  const commandIndex = argv.findIndex((a) => !a.startsWith("-"));
  const command = commandIndex >= 0 ? argv[commandIndex]! : undefined;
  const wantsJson = argv.includes("--json");
  if (!command || command === "help" || !(command in SPECS)) {
    if (!command && (argv.includes("--help") || argv.includes("-h"))) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (command === "help") {
      io.out(USAGE);
      return EXIT.ok;
    }
    io.err(command ? `xbot: unknown command "${command}"\n\n${USAGE}` : USAGE);
    return EXIT.usage;
  }
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv.slice(0, commandIndex), ...argv.slice(commandIndex + 1)], options: SPECS[command]!, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    io.err(`xbot ${command}: ${(error as Error).message}\n(see xbot --help)`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const ctx: CliContext = {
    env,
    io,
    json: values.json === true,
    verbose: values.verbose === true,
    cwd: options.cwd ?? process.cwd(),
    ...(options.local ? { local: options.local } : {}),
  };
  try {
    if (!options.local && !(command === "run" && values.remote)) {
      const instance = dataDirOf(env, command);
      if (instance) return await delegate(ctx, instance, command, argv, positionals);
    }
    return await dispatch(ctx, command, values, positionals);
  } catch (error) {
    return fail(ctx, error, wantsJson);
  }
}

/** The live local server of the configured data dir (a bad config is left for doctor to report). */
function dataDirOf(env: Record<string, string | undefined>, command: string): InstanceInfo | null {
  try {
    return liveInstance(loadConfig(env).XBOT_DATA_DIR);
  } catch (error) {
    if (error instanceof ConfigError && command === "doctor") return null;
    throw error;
  }
}

// Commands are loaded on use: `xbot queue list` need not load the browser and LLM stacks.
async function dispatch(ctx: CliContext, command: string, values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<ExitCode> {
  const ops = () => import("./ops.js");
  const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  switch (command) {
    case "run": {
      const [job, ...extra] = positionals;
      if (!job || extra.length > 0) throw new UsageError("usage: xbot run <job> [--mode live|dry|shadow] [--params JSON] [--remote URL] [--account ID]");
      return (await import("./run.js")).runCommand(ctx, { job, mode: str("mode"), params: str("params"), remote: str("remote"), account: str("account") });
    }
    case "status":
      if (positionals.length > 0) throw new UsageError("usage: xbot status [--json]");
      return (await ops()).statusCommand(ctx);
    case "breaker":
      if (positionals.length > 2) throw new UsageError("usage: xbot breaker list | reset <name> | isolate <name>");
      return (await ops()).breakerCommand(ctx, positionals[0], positionals[1], str("account"));
    case "session": {
      const [action, file, ...extra] = positionals;
      if (action === "import" && extra.length === 0) return (await import("./session.js")).sessionImportCommand(ctx, file, str("account"));
      if (action === "check" && file === undefined) return (await import("./session.js")).sessionCheckCommand(ctx, str("account"));
      throw new UsageError("usage: xbot session import <file> [--account ID] | session check [--account ID]");
    }
    case "account": {
      const [action, id, ...extra] = positionals;
      if (extra.length > 0) throw new UsageError((await import("./account.js")).ACCOUNT_USAGE);
      return (await import("./account.js")).accountCommand(ctx, action, id, values);
    }
    case "queue": {
      const [action, ...rest] = positionals;
      if (action === "review" || action === "show" || action === "approve" || action === "edit" || action === "reject") {
        return (await import("./review.js")).reviewCommand(ctx, { action, rest, thread: values.thread === true, reason: str("reason") });
      }
      const media = Array.isArray(values.media) ? (values.media as string[]) : [];
      return (await ops()).queueCommand(ctx, { action, rest, thread: values.thread === true, at: str("at"), status: str("status"), limit: str("limit"), media, quote: str("quote") });
    }
    case "media": {
      const [action, ...rest] = positionals;
      return (await import("./media.js")).mediaCommand(ctx, { action, rest, alt: str("alt"), tags: str("tags"), tag: str("tag") });
    }
    case "posts":
      if (positionals.length > 0) throw new UsageError("usage: xbot posts [--origin bot|reconciled|ghost] [--limit N]");
      return (await ops()).postsCommand(ctx, str("origin"), str("limit"));
    case "migrate":
      if (positionals.length > 0) throw new UsageError("usage: xbot migrate");
      return (await ops()).migrateCommand(ctx);
    case "alerts":
      if (positionals.length > 1) throw new UsageError("usage: xbot alerts test");
      return (await import("./alerts.js")).alertsCommand(ctx, positionals[0]);
    case "doctor":
      if (positionals.length > 0) throw new UsageError("usage: xbot doctor [--online]");
      return (await import("./doctor.js")).doctorCommand(ctx, values.online === true);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Prints an error and maps it to an exit code. */
function fail(ctx: Pick<CliContext, "io">, error: unknown, json: boolean): ExitCode {
  let code: ExitCode = EXIT.failure;
  let message: string;
  let fix: string | undefined;
  let data: unknown;
  if (error instanceof ConfigError) {
    code = EXIT.config;
    message = error.message;
  } else if (error instanceof UsageError) {
    code = EXIT.usage;
    message = error.message;
  } else if (error instanceof CliFailure) {
    code = error.code;
    message = error.message;
    fix = error.fix;
    data = error.data;
  } else if (error instanceof XbotError) {
    code = error.code === "config_invalid" ? EXIT.config : EXIT.failure;
    message = `${error.code}: ${error.message}`;
  } else {
    message = error instanceof Error ? error.message : String(error);
  }
  if (json) ctx.io.out(toJson({ ok: false, error: message, ...(fix ? { fix } : {}), exitCode: code, ...(data && typeof data === "object" ? data : {}) }));
  ctx.io.err(`${error instanceof ConfigError ? "" : "xbot: "}${message}${fix ? `\nfix: ${fix}` : ""}`);
  return code;
}

/** Sends the command to the local server that owns the data dir and relays its output. */
async function delegate(ctx: CliContext, instance: InstanceInfo, command: string, argv: readonly string[], positionals: string[]): Promise<ExitCode> {
  const args = [...argv];
  const fileArg = (command === "session" || command === "media") && (positionals[0] === "import" || positionals[0] === "add");
  if (fileArg && positionals[1] && !isAbsolute(positionals[1])) {
    const at = args.indexOf(positionals[1]);
    if (at >= 0) args[at] = resolve(ctx.cwd, positionals[1]);
  }
  const config = loadConfig(ctx.env);
  const dataDir = config.XBOT_DATA_DIR;
  const tokens = [config.XBOT_ADMIN_TOKEN, readSecrets(dataDir)?.XBOT_ADMIN_TOKEN].filter((t): t is string => Boolean(t));
  if (tokens.length === 0)
    throw new CliFailure(`the local server (pid ${instance.pid}) owns ${dataDir}, but no admin token is known here`, "export XBOT_ADMIN_TOKEN=<the server's token>", EXIT.config);
  if (!ctx.json) ctx.io.err(`(sent to the local server at ${instance.url}, pid ${instance.pid})`);
  for (const token of [...new Set(tokens)]) {
    let response: Response;
    try {
      response = await fetch(`${instance.url}/__xbot/cli`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ argv: args }),
      });
    } catch (error) {
      throw new CliFailure(`the local server at ${instance.url} (pid ${instance.pid}) does not answer: ${(error as Error).message}`, `stop it (kill ${instance.pid}) or wait until it has started`);
    }
    if (response.status === 401) continue;
    if (response.status === 503) throw new CliFailure(`the local server at ${instance.url} is still starting`, "try again in a few seconds");
    const body = (await response.json().catch(() => null)) as { code?: number; stdout?: string; stderr?: string } | null;
    if (!body || typeof body.code !== "number") throw new CliFailure(`the local server answered ${response.status} without a result`);
    if (body.stderr) ctx.io.err(body.stderr.replace(/\n$/, ""));
    if (body.stdout) ctx.io.out(body.stdout.replace(/\n$/, ""));
    return body.code as ExitCode;
  }
  throw new CliFailure(`the local server at ${instance.url} refused the admin token`, "export XBOT_ADMIN_TOKEN=<the token the server printed at its first start>", EXIT.config);
}

/** Collects output in memory (the local server relays it to a delegating CLI). */
export function captureIo(): CliIo & { stdout(): string; stderr(): string } {
  let out = "";
  let err = "";
  return {
    out: (text) => {
      out += text.endsWith("\n") ? text : `${text}\n`;
    },
    err: (text) => {
      err += text.endsWith("\n") ? text : `${text}\n`;
    },
    stdout: () => out,
    stderr: () => err,
  };
}
