/**
 * The X session as Playwright storage state (cookies + origins): validation with zod, and a
 * log-safe summary of which X session cookies are present. Cookie values never leave here.
 */
import { z } from "zod";
import { XbotError } from "../errors.js";

const SAME_SITE: Record<string, "Strict" | "Lax" | "None"> = {
  strict: "Strict",
  lax: "Lax",
  none: "None",
  no_restriction: "None",
  unspecified: "Lax",
};

const sameSiteSchema = z.preprocess((value) => (typeof value === "string" ? (SAME_SITE[value.toLowerCase()] ?? value) : value), z.enum(["Strict", "Lax", "None"]));

const cookieSchema = z.object({
  name: z.string().min(1),
  value: z.string(),
  domain: z.string().min(1),
  path: z.string().default("/"),
  expires: z.number().default(-1),
  httpOnly: z.boolean().default(false),
  secure: z.boolean().default(false),
  sameSite: sameSiteSchema.default("Lax"),
});

const originSchema = z.object({
  origin: z.string().min(1),
  localStorage: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
});

/** Zod schema of a Playwright storage state (unknown keys are dropped). */
export const storageStateSchema = z.object({
  cookies: z.array(cookieSchema),
  origins: z.array(originSchema).default([]),
});

/** A validated Playwright storage state; assignable to `newContext({ storageState })`. */
export type StorageState = z.output<typeof storageStateSchema>;

/**
 * Validates a storage state (an object, or its JSON text). Throws XbotError("validation")
 * naming the bad paths; messages never include cookie values.
 */
export function parseStorageState(json: unknown): StorageState {
  let input = json;
  if (typeof json === "string") {
    try {
      input = JSON.parse(json);
    } catch {
      throw new XbotError("validation", "storage state is not valid JSON");
    }
  }
  const result = storageStateSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new XbotError("validation", `storage state is malformed: ${problems.join("; ")}`, {
      details: { issues: problems },
    });
  }
  return result.data;
}

/** The cookies that make an X session. */
export const X_SESSION_COOKIES = ["auth_token", "ct0", "twid"] as const;

/** One of {@link X_SESSION_COOKIES}. */
export type XSessionCookie = (typeof X_SESSION_COOKIES)[number];

/** Facts about one session cookie; never its value. */
export interface CookieFact {
  /** At least one copy exists on an X domain. */
  readonly present: boolean;
  /** Domains it is set for (as written, e.g. ".x.com"). */
  readonly domains: string[];
  /** Latest expiry as ISO time; null for a browser-session cookie; undefined when absent. */
  readonly expiresAt: string | null | undefined;
  /** Every copy is past its expiry. */
  readonly expired: boolean;
}

/** What {@link sessionCookieSummary} reports. */
export interface SessionCookieSummary {
  /** One fact per X session cookie. */
  readonly cookies: Record<XSessionCookie, CookieFact>;
  /** auth_token and ct0 both present and unexpired. */
  readonly loggedIn: boolean;
  /** Cookies in the state, on any domain. */
  readonly totalCookies: number;
}

/** Options of {@link sessionCookieSummary}. */
export interface SummaryOptions {
  /** Extra hosts that count as X (the sandbox host, e.g. "127.0.0.1"). */
  readonly extraHosts?: readonly string[];
  /** Clock for expiry checks. Default Date.now(). */
  readonly nowMs?: number;
}

/** Which X session cookies exist for .x.com / .twitter.com / extra hosts, without values. */
export function sessionCookieSummary(state: StorageState, options: SummaryOptions = {}): SessionCookieSummary {
  const nowMs = options.nowMs ?? Date.now();
  const hosts = (options.extraHosts ?? []).map(bareDomain);
  const isX = (domain: string): boolean => {
    const bare = bareDomain(domain);
    return bare === "x.com" || bare.endsWith(".x.com") || bare === "twitter.com" || bare.endsWith(".twitter.com") || hosts.includes(bare);
  };
  const facts = {} as Record<XSessionCookie, CookieFact>;
  for (const name of X_SESSION_COOKIES) {
    const copies = state.cookies.filter((cookie) => cookie.name === name && isX(cookie.domain));
    const expiries = copies.map((cookie) => cookie.expires);
    const sessionOnly = expiries.some((expires) => expires <= 0);
    const latest = Math.max(...expiries, 0);
    facts[name] = {
      present: copies.length > 0,
      domains: copies.map((cookie) => cookie.domain),
      expiresAt: copies.length === 0 ? undefined : sessionOnly ? null : new Date(latest * 1000).toISOString(),
      expired: copies.length > 0 && !sessionOnly && latest * 1000 <= nowMs,
    };
  }
  const alive = (fact: CookieFact): boolean => fact.present && !fact.expired;
  return { cookies: facts, loggedIn: alive(facts.auth_token) && alive(facts.ct0), totalCookies: state.cookies.length };
}

function bareDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/^\./, "");
}
