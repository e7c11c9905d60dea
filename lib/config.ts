/**
 * The only reader of `process.env`. `loadConfig()` validates every variable with zod and
 * returns a frozen, typed Config; anything unset falls back to the embedded defaults
 * (PGlite, Postgres-backed state, bundled Chromium, sandbox X site, evergreen library).
 * A bad configuration throws ONE {@link ConfigError} naming every bad variable.
 */
import { z } from "zod";
import { XbotError } from "./errors.js";

/** Playwright resource types (Request.resourceType()). */
export const RESOURCE_TYPES = ["document", "stylesheet", "image", "media", "font", "script", "texttrack", "xhr", "fetch", "eventsource", "websocket", "manifest", "other"] as const;

/** Every cap, with its default. */
export const capsSchema = z.strictObject({
  /** Singles and threads per rolling hour. */
  postsPerHour: z.number().int().min(0).default(2),
  /** Minutes between two posts. */
  minGapMinutes: z.number().min(0).default(20),
  threadsPerHour: z.number().int().min(0).default(1),
  threadsPerDay: z.number().int().min(0).default(2),
  repliesPerHour: z.number().int().min(0).default(4),
  replyMinGapMinutes: z.number().min(0).default(15),
  repliesPerAuthorPerDay: z.number().int().min(0).default(1),
  /** Actions (posts + replies) per rolling day on day 1, 2, 3, ... of the ramp; the last repeats. */
  ramp: z.array(z.number().int().min(0)).min(1).default([6, 10, 15, 20]),
});

/** The caps in force. */
export type Caps = z.infer<typeof capsSchema>;

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const int = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int()
    .min(min)
    .max(max);
/** The priced operations of the X API transport (lib/x/transport/prices.ts holds the rate card). */
export const X_API_OPS = ["post", "post_url", "timeline", "lookup", "me", "metrics", "followers", "mentions"] as const;
const pricesSchema = z.strictObject(Object.fromEntries(X_API_OPS.map((op) => [op, z.number().min(0).max(100).optional()])) as Record<(typeof X_API_OPS)[number], z.ZodOptional<z.ZodNumber>>);

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });
const secret = z.string().min(16, "must be at least 16 characters");

/** A variable holding a JSON object (default `{}`) checked by `inner`; text that is not JSON names an example. */
function jsonObject<T extends z.ZodType>(inner: T, example: string, what: string) {
  return z
    .string()
    .default("{}")
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: `must be a JSON object of ${what}, e.g. ${example}` });
        return z.NEVER;
      }
    })
    .pipe(inner);
}

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/[^\s]+$/, "must be a postgres:// or postgresql:// URL")
    .optional(),
  XBOT_NEON_HTTP_URL: httpUrl.optional(),
  UPSTASH_REDIS_REST_URL: httpUrl.optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  XBOT_STATE: z.enum(["auto", "redis", "postgres"]).default("auto"),
  QSTASH_URL: httpUrl.optional(),
  QSTASH_TOKEN: z.string().min(1).optional(),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1).optional(),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1).optional(),
  CRON_SECRET: secret.optional(),
  XBOT_ADMIN_TOKEN: secret.optional(),
  XBOT_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/, "must be 1-32 of a-z, 0-9, _ or -")
    .default("xbot"),
  XBOT_ACCOUNT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 of A-Z, a-z, 0-9, _ or -")
    .default("default"),
  XBOT_MODE: z.enum(["live", "shadow", "dry"]).default("live"),
  VERCEL_ENV: z.enum(["production", "preview", "development"]).optional(),
  /** "1" inside a Vercel build or function (set by the platform). */
  VERCEL: z.string().optional(),
  XBOT_ALLOW_PREVIEW_LIVE: bool.default(false),
  XBOT_LLM_BASE_URL: httpUrl.optional(),
  XBOT_LLM_API_KEY: z.string().min(1).optional(),
  XBOT_LLM_MODEL: z.string().min(1).default("gpt-4o-mini"),
  XBOT_LLM_DAILY_BUDGET_USD: z.coerce.number().min(0).max(1000).default(1),
  XBOT_DATA_DIR: z.string().min(1).default(".xbot"),
  XBOT_PORT: int(1, 65535).default(3000),
  XBOT_SANDBOX_PORT: int(1, 65535).default(3001),
  XBOT_PUBLIC_URL: httpUrl.optional(),
  XBOT_TRUST_PROXY: bool.default(false),
  CHROMIUM_PATH: z.string().min(1).optional(),
  BROWSER_WS_ENDPOINT: z.url({ protocol: /^wss?$/, error: "must be a ws:// or wss:// URL" }).optional(),
  XBOT_PROXY_URL: z.url({ protocol: /^(https?|socks5)$/, error: "must be an http://, https:// or socks5:// URL" }).optional(),
  XBOT_BROWSER_SLOTS: int(1, 50).default(2),
  XBOT_BLOCK_RESOURCES: z
    .string()
    .default("image,font")
    .transform((text) =>
      text === "none"
        ? []
        : text
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean),
    )
    .pipe(z.array(z.enum(RESOURCE_TYPES, { error: `must be "none" or a comma list of ${RESOURCE_TYPES.join(", ")}` }))),
  XBOT_X_BASE_URL: httpUrl.optional(),
  XBOT_X_USER: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,15}$/, "must be an X handle without @")
    .optional(),
  XBOT_SESSION_KEY: z
    .string()
    .regex(/^([A-Fa-f0-9]{64}|[A-Za-z0-9+/]{43}=)$/, "must be 32 bytes as 64 hex chars or base64")
    .optional(),
  XBOT_TYPING: z.enum(["human", "fill"]).optional(),
  /** How xbot reaches X: the browser, the official X API v2, or posts through the API and reads through the browser. */
  XBOT_X_TRANSPORT: z.enum(["browser", "api", "hybrid"]).default("browser"),
  /** Origin of the X API (default https://api.x.com); the sandbox url locally. */
  XBOT_X_API_BASE_URL: httpUrl.optional(),
  /** How long one X API call waits for its answer (then: unknown outcome, reconcile). */
  XBOT_X_API_TIMEOUT_MS: int(100, 120_000).optional(),
  /** Dollars the X API may cost per UTC day, fleet-wide (a lease in the state store). */
  XBOT_X_API_DAILY_BUDGET_USD: z.coerce.number().min(0).max(10_000).default(1),
  /** Overrides of the X API rate card (lib/x/transport/prices.ts), e.g. {"post":0.02}. */
  XBOT_X_API_PRICES: jsonObject(pricesSchema, '{"post":0.015,"post_url":0.2}', "dollar prices"),
  X_API_KEY: z.string().min(1).optional(),
  X_API_SECRET: z.string().min(1).optional(),
  X_ACCESS_TOKEN: z.string().min(1).optional(),
  X_ACCESS_SECRET: z.string().min(1).optional(),
  XBOT_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  XBOT_CAPS: jsonObject(capsSchema, '{"postsPerHour":1}', "caps"),
  XBOT_RAMP_START: z.iso
    .date({ error: "must be a date like 2026-01-31" })
    .transform((d) => new Date(`${d}T00:00:00Z`))
    .optional(),
  /** Days job runs, metric/follower snapshots and reply candidates are kept (heal deletes older ones; the chart keeps daily rollups). */
  XBOT_RETENTION_DAYS: int(15, 3650).default(90),
  /** Days failure artifacts (screenshots, HTML) are kept. */
  XBOT_ARTIFACT_RETENTION_DAYS: int(1, 3650).default(14),
  XBOT_ALERT_WEBHOOK_URL: z
    .string()
    .refine((text) => text.split(",").every((u) => httpUrl.safeParse(u.trim()).success), "must be one or more http(s) URLs, comma-separated")
    .optional(),
  XBOT_ALERT_FORMAT: z.enum(["json", "slack", "discord"]).optional(),
  XBOT_ALERT_REMIND_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(6),
  XBOT_LINK_DOMAINS: z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(",")
        .map((d) =>
          d
            .trim()
            .toLowerCase()
            .replace(/^\*?\./, ""),
        )
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, "must be a comma list of domains, e.g. example.com,docs.example.org"))),
  XBOT_ALLOW_CASHTAGS: bool.default(false),
  XBOT_X_VISITS_PER_DAY: int(1, 10_000).default(60),
  XBOT_GHOST_SCAN_HOURS: int(1, 168).default(6),
  XBOT_REPLIES_POLL_MINUTES: int(20, 24 * 60).default(90),
  XBOT_REPLY_HOURS: z
    .string()
    .default("8-22")
    .transform((text, ctx) => {
      const m = /^(\d{1,2})-(\d{1,2})$/.exec(text);
      const start = Number(m?.[1]);
      const end = Number(m?.[2]);
      if (!m || start > 24 || end > 24) {
        ctx.addIssue({ code: "custom", message: 'must be UTC hours "start-end", e.g. "8-22" (equal values: all day)' });
        return z.NEVER;
      }
      return { start: start % 24, end: end % 24 };
    }),
  XBOT_REVIEW: z.enum(["none", "replies", "all"], { error: 'must be "none", "replies" or "all"' }).optional(),
  XBOT_REVIEW_HOURS: int(1, 24 * 30).default(24),
  XBOT_REPLY_ACCOUNTS: z
    .string()
    .regex(/^([A-Za-z0-9_]{1,15})(,[A-Za-z0-9_]{1,15})*$/, "must be a comma list of X handles without @")
    .optional(),
});

/** Variables whose values are never echoed in error messages. */
const SECRET_VARS = new Set([
  "DATABASE_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "QSTASH_TOKEN",
  "QSTASH_CURRENT_SIGNING_KEY",
  "QSTASH_NEXT_SIGNING_KEY",
  "CRON_SECRET",
  "XBOT_ADMIN_TOKEN",
  "XBOT_LLM_API_KEY",
  "XBOT_SESSION_KEY",
  "XBOT_PROXY_URL",
  "XBOT_ALERT_WEBHOOK_URL",
  "X_API_KEY",
  "X_API_SECRET",
  "X_ACCESS_TOKEN",
  "X_ACCESS_SECRET",
]);

/** Names the Vercel Marketplace integrations set, mapped onto ours (ours win). */
const ALIASES: Record<string, string> = {
  KV_REST_API_URL: "UPSTASH_REDIS_REST_URL",
  KV_REST_API_TOKEN: "UPSTASH_REDIS_REST_TOKEN",
  OPENAI_API_KEY: "XBOT_LLM_API_KEY",
};

type Parsed = z.infer<typeof schema>;

/** The validated, frozen configuration. */
export type Config = Readonly<
  Parsed & {
    /** Which StateStore implementation to build. */
    readonly stateBackend: "redis" | "postgres";
    /** True on a Vercel preview deployment. */
    readonly isPreview: boolean;
    /** What waits for a person: XBOT_REVIEW, else "replies" with an LLM and "none" without. */
    readonly reviewMode: "none" | "replies" | "all";
    /**
     * The `accounts` row a run is for (lib/content/account-settings.ts overlays its settings on
     * this config); absent for the env's single account (XBOT_ACCOUNT_ID), which runs as before.
     */
    readonly account?: AccountOverlay;
  }
>;

/** The account of a config overlaid from an `accounts` row: its id, handle and validated settings. */
export interface AccountOverlay {
  readonly id: string;
  readonly handle: string;
  /** The validated settings (lib/content/account-settings.ts parses them). */
  readonly settings: Readonly<Record<string, unknown>>;
  /**
   * The state-name scope of the account (its id): job locks, the `x` breaker and the X visit
   * counters carry it (lib/state/keys.ts). Absent for the env's own account id, which keeps
   * today's names.
   */
  readonly scope?: string;
}

/** The state-name scope of a config's account (see AccountOverlay.scope); undefined for the env's account. */
export function accountScope(config: Config): string | undefined {
  return config.account?.scope;
}

/** One configuration error naming every bad variable, with a fix for each. */
export class ConfigError extends XbotError {
  /** Each bad variable with what is wrong. */
  readonly problems: readonly { variable: string; problem: string }[];
  constructor(problems: { variable: string; problem: string }[]) {
    const lines = problems.map((p) => `  - ${p.variable}: ${p.problem}`);
    super(
      "config_invalid",
      `Invalid configuration (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${lines.join("\n")}\nFix these variables (see .env.example), or unset them to use the embedded defaults.`,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Parses a configuration from an environment record (default `process.env`). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input = withAliases(env);
  const result = schema.safeParse(input);
  const problems = result.success ? [] : result.error.issues.map((issue) => describeIssue(issue, input));
  if (result.success) problems.push(...crossFieldProblems(result.data));
  if (!result.success || problems.length > 0) throw new ConfigError(dedupe(problems));
  const data = result.data;
  const stateBackend = data.XBOT_STATE === "auto" ? (data.UPSTASH_REDIS_REST_URL ? "redis" : "postgres") : data.XBOT_STATE;
  const reviewMode = data.XBOT_REVIEW ?? (data.XBOT_LLM_API_KEY ? "replies" : "none");
  return Object.freeze({ ...data, stateBackend, isPreview: data.VERCEL_ENV === "preview", reviewMode });
}

function withAliases(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [alias, name] of Object.entries(ALIASES)) {
    const value = env[alias];
    if (value !== undefined && value !== "") out[name] = value;
  }
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") out[key] = value.trim();
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, input: Record<string, string>): { variable: string; problem: string } {
  const variable = String(issue.path[0] ?? "?");
  const value = input[variable];
  const shown = value === undefined || SECRET_VARS.has(variable) ? "" : ` (got ${JSON.stringify(value.slice(0, 60))})`;
  const inner =
    issue.path.length > 1
      ? `${issue.path
          .slice(1)
          .map((key) => (typeof key === "number" ? `item ${key + 1}` : String(key)))
          .join(".")}: `
      : "";
  return { variable, problem: `${inner}${issue.message}${shown}` };
}

function crossFieldProblems(data: Parsed): { variable: string; problem: string }[] {
  const problems: { variable: string; problem: string }[] = [];
  if (data.UPSTASH_REDIS_REST_URL && !data.UPSTASH_REDIS_REST_TOKEN) problems.push({ variable: "UPSTASH_REDIS_REST_TOKEN", problem: "is required when UPSTASH_REDIS_REST_URL is set" });
  if (data.UPSTASH_REDIS_REST_TOKEN && !data.UPSTASH_REDIS_REST_URL) problems.push({ variable: "UPSTASH_REDIS_REST_URL", problem: "is required when UPSTASH_REDIS_REST_TOKEN is set" });
  if (data.XBOT_STATE === "redis" && !data.UPSTASH_REDIS_REST_URL) problems.push({ variable: "XBOT_STATE", problem: "is redis but UPSTASH_REDIS_REST_URL (or KV_REST_API_URL) is not set" });
  if (data.QSTASH_CURRENT_SIGNING_KEY && !data.QSTASH_NEXT_SIGNING_KEY) problems.push({ variable: "QSTASH_NEXT_SIGNING_KEY", problem: "is required with QSTASH_CURRENT_SIGNING_KEY (key rotation)" });
  if (data.VERCEL === "1" && !data.DATABASE_URL)
    problems.push({ variable: "DATABASE_URL", problem: "is required on Vercel: the embedded database (PGlite) is for local runs only and is not deployed" });
  if (data.VERCEL_ENV === "production" && !data.CRON_SECRET) problems.push({ variable: "CRON_SECRET", problem: "is required in production so that only Vercel Cron can trigger jobs" });
  if (data.XBOT_X_TRANSPORT !== "browser") {
    for (const key of X_API_KEYS) if (!data[key]) problems.push({ variable: key, problem: `is required when XBOT_X_TRANSPORT is ${data.XBOT_X_TRANSPORT} (OAuth 1.0a user context; README "X API")` });
  }
  return problems;
}

/** The OAuth 1.0a user-context keys the API transport signs with. */
const X_API_KEYS = ["X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_SECRET"] as const;

function dedupe(problems: { variable: string; problem: string }[]): { variable: string; problem: string }[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.variable) && seen.add(p.variable));
}

/** Secret values in a config, for log scrubbing. */
export function configSecrets(config: Config): string[] {
  const values = [...SECRET_VARS].map((k) => (config as Record<string, unknown>)[k]).filter((v): v is string => typeof v === "string");
  // Each webhook URL of the list is a secret on its own (Slack and Discord URLs carry a token).
  return [
    ...values,
    ...(config.XBOT_ALERT_WEBHOOK_URL?.split(",")
      .map((u) => u.trim())
      .filter(Boolean) ?? []),
  ];
}
