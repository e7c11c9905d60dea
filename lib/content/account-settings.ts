/**
 * An account's settings (the `accounts.settings` column): its overrides of the env
 * configuration, every one validated with zod, every error naming the field
 * (`settings.caps.postsPerHour: ...`). {@link overlayAccount} lays them over the env Config
 * for one run; absent settings keep the env's value. Egress (proxy URL / remote browser
 * endpoint) is not a setting: it is stored encrypted beside them (see {@link egressSchema}).
 */
import { z } from "zod";
import { capsSchema, type Config } from "../config.js";
import { postSchema } from "./evergreen.js";
import { parseOperatorJson } from "./json-file.js";
import { topicSchema, type Topic } from "./topics.js";
import type { EvergreenPost } from "./evergreen.js";

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The caps without their defaults: an account's `caps` changes only the caps it names. */
const capsOverride = z.strictObject(
  Object.fromEntries(Object.entries(capsSchema.shape).map(([k, v]) => [k, v.unwrap().optional()])) as {
    [K in keyof typeof capsSchema.shape]: z.ZodOptional<ReturnType<(typeof capsSchema.shape)[K]["unwrap"]>>;
  },
);

const hours = z.string().regex(/^([01]?\d|2[0-4])-([01]?\d|2[0-4])$/, 'must be hours "start-end" in the account\'s timezone, e.g. "8-22" (equal values: all day)');

/** Every account setting; all optional (absent: the env's value). */
export const accountSettingsSchema = z.strictObject({
  /** IANA timezone of `activeHours` (default UTC). */
  timezone: z.string().refine(validTimeZone, "must be an IANA timezone, e.g. Europe/Paris").optional(),
  /** Hours in which the account replies and posts are due, in its timezone (XBOT_REPLY_HOURS is UTC). */
  activeHours: hours.optional(),
  /** Caps over the env's XBOT_CAPS (only those given change). */
  caps: capsOverride.optional(),
  /** First day of the ramp (XBOT_RAMP_START). */
  rampStart: z.iso.date({ error: "must be a date like 2026-01-31" }).optional(),
  /** The account's topics (instead of content/topics.json's). */
  topics: z
    .array(topicSchema)
    .min(1)
    .max(50)
    .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, "topic ids must be unique")
    .optional(),
  /** The account's evergreen library (instead of content/evergreen.json's). */
  evergreen: z
    .array(postSchema)
    .max(500)
    .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, "post ids must be unique")
    .optional(),
  /** A short persona text given to generation. */
  voice: z.string().trim().min(1).max(500).optional(),
  /** What waits for a person (XBOT_REVIEW). */
  review: z.enum(["none", "replies", "all"], { error: 'must be "none", "replies" or "all"' }).optional(),
  /** The account's mode ceiling (XBOT_MODE). */
  mode: z.enum(["live", "shadow", "dry"], { error: 'must be "live", "shadow" or "dry"' }).optional(),
  /** Share of the deployment's LLM daily budget this account may spend (0-1; the budget itself is shared). */
  llmBudgetShare: z.number().gt(0).max(1).optional(),
  /** The X site this account acts on (XBOT_X_BASE_URL): local sandboxes and tests; default the env's (x.com). */
  xBaseUrl: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  /** Logged-in X page loads per UTC day (XBOT_X_VISITS_PER_DAY). */
  xVisitsPerDay: z.number().int().min(1).max(10_000).optional(),
});

/** Validated account settings. */
export type AccountSettings = z.infer<typeof accountSettingsSchema>;

/** An account's egress: how its browser reaches X. Stored encrypted, never logged. */
export const egressSchema = z.strictObject({
  proxyUrl: z.url({ protocol: /^(https?|socks5)$/, error: "must be an http://, https:// or socks5:// URL" }).optional(),
  browserWsEndpoint: z.url({ protocol: /^wss?$/, error: "must be a ws:// or wss:// URL" }).optional(),
});

/** A validated egress. */
export type Egress = z.infer<typeof egressSchema>;

/** Validates settings; throws ONE `config_invalid` naming every bad field (`settings.<field>: <problem>`). */
export function parseAccountSettings(value: unknown): AccountSettings {
  return parseOperatorJson(
    value,
    accountSettingsSchema.transform((s) => s as AccountSettings),
    "settings",
  );
}

/** Validates an egress; throws ONE `config_invalid` naming every bad field. */
export function parseEgress(value: unknown): Egress {
  return parseOperatorJson(value, egressSchema, "egress");
}

/** The UTC offset of `timeZone` at `at`, in whole hours (rounded). */
export function utcOffsetHours(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return Math.round((local - Math.floor(at.getTime() / 60_000) * 60_000) / 3_600_000);
}

/** Active hours given in `timeZone` as UTC hours at `at` (the offset of that moment; DST moves them). */
export function utcActiveHours(text: string, timeZone: string, at: Date): { start: number; end: number } {
  const [start, end] = text.split("-").map(Number) as [number, number];
  const offset = utcOffsetHours(timeZone, at);
  const shift = (h: number) => ((((h % 24) - offset) % 24) + 24) % 24;
  return start % 24 === end % 24 ? { start: 0, end: 0 } : { start: shift(start), end: shift(end) };
}

/** The account row fields the overlay needs (settings already stored validated; egress decrypted). */
export interface AccountForRun {
  readonly id: string;
  readonly handle: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly egress?: Egress | null;
}

/** The env Config overlaid with one account's settings: XBOT_ACCOUNT_ID is its id, absent settings keep the env's. */
export function overlayAccount(config: Config, account: AccountForRun, at: Date = new Date()): Config {
  const s = parseAccountSettings(account.settings);
  const egress = account.egress ?? {};
  const overlaid: Config = {
    ...config,
    XBOT_ACCOUNT_ID: account.id,
    XBOT_X_USER: account.handle,
    XBOT_CAPS: { ...config.XBOT_CAPS, ...s.caps },
    ...(s.rampStart ? { XBOT_RAMP_START: new Date(`${s.rampStart}T00:00:00Z`) } : {}),
    ...(s.activeHours ? { XBOT_REPLY_HOURS: utcActiveHours(s.activeHours, s.timezone ?? "UTC", at) } : {}),
    ...(s.mode ? { XBOT_MODE: s.mode } : {}),
    ...(s.review ? { reviewMode: s.review } : {}),
    ...(s.xVisitsPerDay ? { XBOT_X_VISITS_PER_DAY: s.xVisitsPerDay } : {}),
    ...(s.xBaseUrl ? { XBOT_X_BASE_URL: s.xBaseUrl } : {}),
    ...(egress.proxyUrl ? { XBOT_PROXY_URL: egress.proxyUrl } : {}),
    ...(egress.browserWsEndpoint ? { BROWSER_WS_ENDPOINT: egress.browserWsEndpoint } : {}),
    account: { id: account.id, handle: account.handle, settings: s, ...(account.id === config.XBOT_ACCOUNT_ID ? {} : { scope: account.id }) },
  };
  return Object.freeze(overlaid);
}

/** The content an account overrides (topics, evergreen library, voice), or {} for the env's account. */
export function accountContent(config: Config): { topics?: readonly Topic[]; evergreen?: readonly EvergreenPost[]; voice?: string } {
  if (!config.account) return {};
  const s = config.account.settings as AccountSettings;
  return { ...(s.topics ? { topics: s.topics } : {}), ...(s.evergreen ? { evergreen: s.evergreen as EvergreenPost[] } : {}), ...(s.voice ? { voice: s.voice } : {}) };
}
