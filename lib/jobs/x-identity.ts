/**
 * The X API identity cache: who the keys act as (`GET /2/users/me`, a $0.010 user lookup),
 * kept in the state store for 24 h under a fingerprint of the keys, so a run that needs our
 * user id (mentions) does not pay a lookup each time, and another token never reads this
 * token's id. The transport drops it when X refuses the keys (401/403).
 */
import { createHash } from "node:crypto";
import type { JobContext } from "./context.js";
import { xApiMeValue } from "../state/keys.js";
import type { ApiIdentity, ApiIdentityCache } from "../x/transport/api.js";

/** How long a looked-up identity is trusted. */
export const IDENTITY_TTL_MS = 24 * 3_600_000;

/** A fingerprint of the keys (never the keys): sha256 of app key and access token, 24 hex digits. */
export function keysFingerprint(appKey: string, accessToken: string): string {
  return createHash("sha256").update(`${appKey}\n${accessToken}`).digest("hex").slice(0, 24);
}

/** The identity cache of keys with `fingerprint`, in the run's state store. */
export function identityCache(ctx: JobContext, fingerprint: string): ApiIdentityCache {
  const key = xApiMeValue(fingerprint);
  return {
    async read() {
      const v = await ctx.state.readValue<ApiIdentity & { fingerprint?: string }>(key);
      return v && v.fingerprint === fingerprint && typeof v.id === "string" && typeof v.username === "string" ? { id: v.id, username: v.username } : null;
    },
    async write(identity) {
      await ctx.state.putValue(key, { id: identity.id, username: identity.username, fingerprint }, IDENTITY_TTL_MS);
    },
    async drop() {
      await ctx.state.deleteValue(key);
    },
  };
}
