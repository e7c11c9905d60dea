/**
 * lib/x/session-store over the x_sessions vault (lib/db/x-sessions.ts) on real Postgres (Neon
 * driver -> HTTP shim): the X session is stored encrypted, round-trips, refuses a wrong key
 * loudly, stores nothing on bad input or a failed validation, and rewrites the blob only when
 * the cookie set really changed.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { StorageState } from "../../lib/browser/index.js";
import type { Sql } from "../../lib/db/sql.js";
import { sessionVault } from "../../lib/db/x-sessions.js";
import { XbotError } from "../../lib/errors.js";
import { createLogger } from "../../lib/log.js";
import { cookieSetHash, importSession, loadSession, saveRotatedSession, type SessionValidator, type SessionVault } from "../../lib/x/session-store.js";
import { services } from "../support/env.js";
import { postgresSql } from "../support/stores.js";

const svc = services();
const KEY = randomBytes(32).toString("hex");
const OTHER_KEY = randomBytes(32).toString("base64");
const AUTH = `authvalue${randomBytes(16).toString("hex")}`;
const CT0 = `ct0value${randomBytes(16).toString("hex")}`;

function xState(auth = AUTH, ct0 = CT0): StorageState {
  const base = { domain: ".x.com", path: "/", expires: Math.floor(Date.now() / 1000) + 86_400 * 30, secure: true, sameSite: "None" as const };
  return {
    cookies: [
      { ...base, name: "auth_token", value: auth, httpOnly: true },
      { ...base, name: "ct0", value: ct0, httpOnly: false, sameSite: "Lax" },
      { ...base, name: "twid", value: "u%3D1790000000000000001", httpOnly: false },
    ],
    origins: [],
  };
}

const loggedInAs = (user: string): SessionValidator & { calls: number } => {
  const fn = Object.assign(
    async () => {
      fn.calls += 1;
      return { user };
    },
    { calls: 0 },
  );
  return fn;
};

async function failure(work: Promise<unknown>): Promise<XbotError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XbotError);
  return error as XbotError;
}

type Row = { account_id: string; blob: string; username: string | null; validated_at: Date | null; updated_at: Date };
const rowsOf = (sql: Sql, accountId: string) => sql.query<Row>("SELECT * FROM x_sessions WHERE account_id = $1", [accountId]);

describe.skipIf(!svc.postgres)("x session store on real Postgres", () => {
  let sql: Sql;
  let vault: SessionVault;
  const logLines: string[] = [];
  const logger = createLogger({ level: "debug", sink: (line) => logLines.push(line) });
  beforeAll(async () => {
    sql = await postgresSql();
    vault = sessionVault(sql);
  });

  it("imports a validated session encrypted: no cookie value in the row, and it loads back", async () => {
    const validate = loggedInAs("xbot_owner");
    const imported = await importSession(vault, { accountId: "acct-a", key: KEY, state: JSON.stringify(xState()), validate, logger });
    expect(validate.calls).toBe(1);
    expect(imported).toMatchObject({ username: "xbot_owner", cookieCount: 3 });
    const [row] = await rowsOf(sql, "acct-a");
    expect(row).toBeDefined();
    expect(row!.blob).toMatch(/^v1\./);
    const rowText = JSON.stringify(row);
    for (const secret of [AUTH, CT0, "u%3D1790000000000000001"]) expect(rowText).not.toContain(secret);
    expect(row!.username).toBe("xbot_owner");
    expect(Math.abs(new Date(row!.validated_at!).getTime() - imported.validatedAt.getTime())).toBeLessThan(1_000);

    const loaded = await loadSession(vault, "acct-a", KEY);
    expect(loaded?.state).toEqual(xState());
    expect(loaded?.username).toBe("xbot_owner");
    expect(loaded?.validatedAt).toBeInstanceOf(Date);
    expect(logLines.join("\n")).not.toContain(AUTH);
    expect(logLines.join("\n")).not.toContain(CT0);
  });

  it("re-import replaces the row (upsert), and accounts are separate", async () => {
    await importSession(vault, { accountId: "acct-b", key: KEY, state: xState("first-token-value"), validate: loggedInAs("one") });
    await importSession(vault, { accountId: "acct-b", key: KEY, state: xState("second-token-value"), validate: loggedInAs("two") });
    expect(await rowsOf(sql, "acct-b")).toHaveLength(1);
    const loaded = await loadSession(vault, "acct-b", KEY);
    expect(loaded?.username).toBe("two");
    expect(loaded?.state.cookies.find((c) => c.name === "auth_token")?.value).toBe("second-token-value");
    expect(await loadSession(vault, "nobody", KEY)).toBeNull();
  });

  it("a wrong key is the clear config error, not a silent null", async () => {
    await importSession(vault, { accountId: "acct-c", key: KEY, state: xState(), validate: loggedInAs("me") });
    const error = await failure(loadSession(vault, "acct-c", OTHER_KEY));
    expect(error.code).toBe("config_invalid");
    expect(error.details).toMatchObject({ reason: "auth_failed" });
    expect(error.message).toMatch(/session key is wrong/);
    expect((await failure(saveRotatedSession(vault, "acct-c", OTHER_KEY, xState("rotated")))).code).toBe("config_invalid");
  });

  it("malformed input is a validation error and stores nothing (validate is never called)", async () => {
    const bad: unknown[] = ["{not json", { cookies: "nope" }, { cookies: [{ name: "auth_token", value: AUTH }] }, { cookies: [{ name: "lang", value: "en", domain: ".x.com" }] }];
    for (const [i, state] of bad.entries()) {
      const validate = loggedInAs("me");
      const error = await failure(importSession(vault, { accountId: `bad-${i}`, key: KEY, state, validate }));
      expect(error.code).toBe("validation");
      expect(error.message).not.toContain(AUTH);
      expect(validate.calls).toBe(0);
      expect(await rowsOf(sql, `bad-${i}`)).toEqual([]);
    }
    const badKey = await failure(importSession(vault, { accountId: "bad-key", key: "short", state: xState(), validate: loggedInAs("me") }));
    expect(badKey.code).toBe("validation");
    expect(await rowsOf(sql, "bad-key")).toEqual([]);
  });

  it("a validator throwing session_expired stores nothing, and the error propagates", async () => {
    const expired: SessionValidator = async () => {
      throw new XbotError("session_expired", "X session expired");
    };
    const error = await failure(importSession(vault, { accountId: "acct-exp", key: KEY, state: xState(), validate: expired }));
    expect(error.code).toBe("session_expired");
    expect(await rowsOf(sql, "acct-exp")).toEqual([]);
    // An existing session is not replaced by one that failed validation.
    await importSession(vault, { accountId: "acct-exp", key: KEY, state: xState("good-token-value"), validate: loggedInAs("me") });
    await failure(importSession(vault, { accountId: "acct-exp", key: KEY, state: xState("bad-token-value"), validate: expired }));
    expect((await loadSession(vault, "acct-exp", KEY))?.state.cookies[0]?.value).toBe("good-token-value");
    const crash = await failure(
      importSession(vault, {
        accountId: "acct-crash",
        key: KEY,
        state: xState(),
        validate: async () => {
          throw new Error("boom");
        },
      }),
    );
    expect(crash.code).toBe("internal");
    expect(await rowsOf(sql, "acct-crash")).toEqual([]);
  });

  it("saveRotatedSession writes only when the cookie set changed", async () => {
    await importSession(vault, { accountId: "acct-rot", key: KEY, state: xState(), validate: loggedInAs("me") });
    const [before] = await rowsOf(sql, "acct-rot");

    // Same cookies, different order, flags normalised differently, fractional expiry: unchanged.
    const same = xState();
    const reordered: StorageState = { ...same, cookies: [...same.cookies].reverse().map((c) => ({ ...c, expires: c.expires + 0.25, secure: !c.secure })) };
    expect(cookieSetHash(reordered)).toBe(cookieSetHash(xState()));
    expect(await saveRotatedSession(vault, "acct-rot", KEY, reordered)).toBe("unchanged");
    const [untouched] = await rowsOf(sql, "acct-rot");
    expect(untouched!.blob).toBe(before!.blob);
    expect(new Date(untouched!.updated_at).getTime()).toBe(new Date(before!.updated_at).getTime());

    // ct0 rotated: saved, re-encrypted, username and validated_at kept.
    const rotated = xState(AUTH, "rotated-ct0-value");
    expect(await saveRotatedSession(vault, "acct-rot", KEY, rotated)).toBe("saved");
    const [after] = await rowsOf(sql, "acct-rot");
    expect(after!.blob).not.toBe(before!.blob);
    expect(after!.blob).not.toContain("rotated-ct0-value");
    expect(after!.username).toBe("me");
    expect(new Date(after!.validated_at!).getTime()).toBe(new Date(before!.validated_at!).getTime());
    expect((await loadSession(vault, "acct-rot", KEY))?.state.cookies.find((c) => c.name === "ct0")?.value).toBe("rotated-ct0-value");
    expect(await saveRotatedSession(vault, "acct-rot", KEY, rotated)).toBe("unchanged");

    // A logged-out state never replaces the session; nothing stored means nothing to rotate.
    expect(await saveRotatedSession(vault, "acct-rot", KEY, { cookies: [], origins: [] })).toBe("logged_out");
    expect((await loadSession(vault, "acct-rot", KEY))?.state.cookies).toHaveLength(3);
    expect(await saveRotatedSession(vault, "acct-none", KEY, rotated)).toBe("missing");
    expect(await rowsOf(sql, "acct-none")).toEqual([]);
  });

  it("a rotation racing a re-import does not overwrite the newer session", async () => {
    await importSession(vault, { accountId: "acct-race", key: KEY, state: xState("old-token-value"), validate: loggedInAs("me") });
    // Simulate the import landing between the rotation's read and write: it replaces the blob
    // the rotation read, so the conditional UPDATE must match nothing.
    const racing: Sql = {
      kind: sql.kind,
      transaction: (s, o) => sql.transaction(s, o),
      query: async <R>(text: string, params?: readonly unknown[]) => {
        if (text.startsWith("UPDATE x_sessions")) {
          await importSession(vault, { accountId: "acct-race", key: KEY, state: xState("new-import-value"), validate: loggedInAs("me") });
        }
        return sql.query<R>(text, params);
      },
    };
    expect(await saveRotatedSession(sessionVault(racing), "acct-race", KEY, xState("old-token-value", "rotated"))).toBe("conflict");
    expect((await loadSession(vault, "acct-race", KEY))?.state.cookies[0]?.value).toBe("new-import-value");
  });
});
