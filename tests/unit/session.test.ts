/** The X session at rest: AES-256-GCM blobs, storage-state validation, and a value-free summary. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { XbotError } from "../../lib/errors.js";
import { decryptSession, encryptSession, parseSessionKey, parseStorageState, sessionCookieSummary, type StorageState } from "../../lib/browser/session.js";

const HEX_KEY = randomBytes(32).toString("hex");
const B64_KEY = randomBytes(32).toString("base64");
const SECRET_VALUES = ["auth-token-VALUE-123456", "ct0-VALUE-abcdef", "twid-VALUE-u%3D42", "ls-VALUE-zzz"];
const DAY = 86_400;
const NOW = Date.UTC(2026, 0, 1);

function cookie(name: string, value: string, domain: string, expires = NOW / 1000 + 30 * DAY): StorageState["cookies"][number] {
  return { name, value, domain, path: "/", expires, httpOnly: true, secure: true, sameSite: "None" };
}

const STATE: StorageState = {
  cookies: [
    cookie("auth_token", SECRET_VALUES[0]!, ".x.com"),
    cookie("ct0", SECRET_VALUES[1]!, ".x.com"),
    cookie("twid", SECRET_VALUES[2]!, ".twitter.com", -1),
    cookie("guest_id", "g", ".example.com"),
  ],
  origins: [{ origin: "https://x.com", localStorage: [{ name: "k", value: SECRET_VALUES[3]! }] }],
};

function thrown(fn: () => unknown): XbotError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(XbotError);
    return error as XbotError;
  }
  throw new Error("expected a throw");
}

describe("encryptSession / decryptSession", () => {
  it("round-trips with hex and base64 keys, in a versioned base64url format", () => {
    for (const key of [HEX_KEY, B64_KEY, Buffer.from(B64_KEY, "base64").toString("base64url")]) {
      const blob = encryptSession(STATE, key);
      expect(blob).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
      for (const value of SECRET_VALUES) expect(blob).not.toContain(value);
      expect(decryptSession(blob, key)).toEqual(STATE);
    }
  });

  it("uses a fresh IV every time", () => {
    const a = encryptSession(STATE, HEX_KEY);
    const b = encryptSession(STATE, HEX_KEY);
    expect(a.split(".")[1]).not.toBe(b.split(".")[1]);
    expect(a).not.toBe(b);
  });

  it("detects tampering in the ciphertext, tag or IV (config_invalid, auth_failed)", () => {
    const blob = encryptSession(STATE, HEX_KEY);
    const parts = blob.split(".");
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index]!, "base64url");
      bytes[0] = bytes[0]! ^ 0x01;
      const tampered = parts.map((part, i) => (i === index ? bytes.toString("base64url") : part)).join(".");
      const error = thrown(() => decryptSession(tampered, HEX_KEY));
      expect(error.code).toBe("config_invalid");
      expect(error.details?.reason).toBe("auth_failed");
      expect(error.message).toMatch(/wrong, or the blob was modified/);
    }
  });

  it("rejects a wrong key with the same clear auth message", () => {
    const blob = encryptSession(STATE, HEX_KEY);
    const error = thrown(() => decryptSession(blob, randomBytes(32).toString("hex")));
    expect(error.code).toBe("config_invalid");
    expect(error.message).toContain("session key is wrong");
  });

  it("rejects a badly formatted key as validation, without echoing it", () => {
    for (const bad of ["", "short", "z".repeat(64), randomBytes(16).toString("hex"), randomBytes(31).toString("base64"), randomBytes(33).toString("base64")]) {
      const error = thrown(() => encryptSession(STATE, bad));
      expect(error.code).toBe("validation");
      expect(error.message).toContain("session key must be 32 bytes");
      if (bad.length > 0) expect(error.message).not.toContain(bad);
    }
    expect(parseSessionKey(HEX_KEY.toUpperCase())).toHaveLength(32);
  });

  it("rejects a blob in an unknown format as validation", () => {
    for (const bad of ["", "v2.a.b.c", "v1.a.b", "not a blob", "v1.AAAA.BBBB.CCCC"]) {
      expect(thrown(() => decryptSession(bad, HEX_KEY)).code).toBe("validation");
    }
  });
});

describe("parseStorageState", () => {
  it("accepts Playwright's shape (object or JSON) and fills defaults", () => {
    const parsed = parseStorageState(JSON.stringify({ cookies: [{ name: "ct0", value: "v", domain: ".x.com", sameSite: "no_restriction" }] }));
    expect(parsed.cookies[0]).toEqual({ name: "ct0", value: "v", domain: ".x.com", path: "/", expires: -1, httpOnly: false, secure: false, sameSite: "None" });
    expect(parsed.origins).toEqual([]);
  });

  it("rejects malformed states with paths, never values", () => {
    const cases: unknown[] = [
      null,
      "{not json",
      { origins: [] },
      { cookies: "nope" },
      { cookies: [{ name: "auth_token", value: 12345678, domain: ".x.com" }] },
      { cookies: [{ name: "auth_token", value: SECRET_VALUES[0], domain: ".x.com", sameSite: "Sometimes" }] },
      { cookies: [{ value: SECRET_VALUES[0], domain: ".x.com" }] },
      { cookies: [], origins: [{ localStorage: [] }] },
    ];
    for (const input of cases) {
      const error = thrown(() => parseStorageState(input));
      expect(error.code).toBe("validation");
      expect(error.message).not.toContain(SECRET_VALUES[0]);
      expect(error.message).not.toContain("12345678");
    }
    expect(thrown(() => parseStorageState({ cookies: [{ name: "a", value: 1, domain: "d" }] })).message).toContain("cookies.0.value");
  });

  it("a decrypted blob is validated too", () => {
    const blob = encryptSession(STATE, HEX_KEY);
    expect(decryptSession(blob, HEX_KEY).cookies).toHaveLength(4);
  });
});

describe("sessionCookieSummary", () => {
  it("reports presence, domains and expiry of auth_token, ct0 and twid without values", () => {
    const summary = sessionCookieSummary(STATE, { nowMs: NOW });
    expect(summary.loggedIn).toBe(true);
    expect(summary.totalCookies).toBe(4);
    expect(summary.cookies.auth_token).toMatchObject({ present: true, domains: [".x.com"], expired: false });
    expect(summary.cookies.auth_token.expiresAt).toBe(new Date(NOW + 30 * DAY * 1000).toISOString());
    expect(summary.cookies.twid).toMatchObject({ present: true, domains: [".twitter.com"], expiresAt: null, expired: false });
    const text = JSON.stringify(summary);
    for (const value of SECRET_VALUES) expect(text).not.toContain(value);
  });

  it("is logged out when auth_token is expired or ct0 missing, and ignores other domains", () => {
    const expired = { ...STATE, cookies: [cookie("auth_token", "a", "x.com", NOW / 1000 - 1), cookie("ct0", "c", ".x.com")] };
    expect(sessionCookieSummary(expired, { nowMs: NOW }).loggedIn).toBe(false);
    expect(sessionCookieSummary(expired, { nowMs: NOW }).cookies.auth_token.expired).toBe(true);
    const elsewhere = { cookies: [cookie("auth_token", "a", ".evil-x.com"), cookie("ct0", "c", "notx.com")], origins: [] };
    const summary = sessionCookieSummary(elsewhere, { nowMs: NOW });
    expect(summary.cookies.auth_token.present).toBe(false);
    expect(summary.cookies.ct0.present).toBe(false);
    expect(summary.cookies.twid.expiresAt).toBeUndefined();
  });

  it("counts the sandbox host when given", () => {
    const sandbox = { cookies: [cookie("auth_token", "a", "127.0.0.1"), cookie("ct0", "c", "127.0.0.1")], origins: [] };
    expect(sessionCookieSummary(sandbox, { nowMs: NOW }).loggedIn).toBe(false);
    expect(sessionCookieSummary(sandbox, { nowMs: NOW, extraHosts: ["127.0.0.1"] }).loggedIn).toBe(true);
  });
});
