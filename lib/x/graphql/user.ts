/**
 * User results of x.com's GraphQL answers. Two shapes are in the wild (recorded answers in
 * vladkens/twscrape `tests/mocked-data`, 2024 vs 2026): older results keep the handle and
 * counts in `legacy` (`screen_name`, `followers_count`); 2026 results have no `legacy` at all
 * (`core.screen_name`, `relationship_counts.followers`). Both parse; neither → unreadable.
 * `UserUnavailable` (spec fa0311/twitter-openapi `user.yaml`) carries a `reason` such as
 * "Suspended".
 */
import { z } from "zod";

const Count = z.number().int().min(0);
const Handle = z.string().regex(/^[A-Za-z0-9_]{1,15}$/);

/** One user as read from a GraphQL answer. */
export interface XUser {
  readonly id: string;
  readonly handle: string;
  readonly followers: number | null;
  /** `profile_interstitial_type` when X shows a caution page before the profile ("timeout" = temporarily restricted). */
  readonly interstitial: string | null;
}

/** A user result: a user, an unavailable one (suspended, …) or a shape we cannot read. */
export type UserResult = { readonly kind: "user"; readonly user: XUser } | { readonly kind: "unavailable"; readonly reason: string } | { readonly kind: "unreadable"; readonly why: string };

const NewShape = z.looseObject({
  rest_id: z.string().regex(/^\d+$/),
  core: z.looseObject({ screen_name: Handle }),
  relationship_counts: z.looseObject({ followers: Count }).optional(),
  profile_metadata: z.looseObject({ profile_interstitial_type: z.string().optional() }).optional(),
});
const OldShape = z.looseObject({
  rest_id: z.string().regex(/^\d+$/),
  legacy: z.looseObject({ screen_name: Handle, followers_count: Count.optional(), profile_interstitial_type: z.string().optional() }),
});
const Typed = z.looseObject({ __typename: z.string().optional(), reason: z.string().optional() });

/** Parses a `user_results.result` / `user.result` value; `.user` is a shortcut (null unless a user). */
export function parseUserResult(raw: unknown): UserResult & { readonly user: XUser | null } {
  const result = readUser(raw);
  return Object.assign(result, { user: result.kind === "user" ? result.user : null });
}

function readUser(raw: unknown): UserResult {
  const typed = Typed.safeParse(raw);
  if (!typed.success) return { kind: "unreadable", why: "not an object" };
  if (typed.data.__typename === "UserUnavailable") return { kind: "unavailable", reason: typed.data.reason ?? "unavailable" };
  if (typed.data.__typename !== undefined && typed.data.__typename !== "User") return { kind: "unreadable", why: `unknown __typename ${typed.data.__typename}` };
  const fresh = NewShape.safeParse(raw);
  if (fresh.success) {
    const u = fresh.data;
    const interstitial = u.profile_metadata?.profile_interstitial_type || null;
    return { kind: "user", user: { id: u.rest_id, handle: u.core.screen_name, followers: u.relationship_counts?.followers ?? null, interstitial } };
  }
  const old = OldShape.safeParse(raw);
  if (old.success) {
    const u = old.data;
    return { kind: "user", user: { id: u.rest_id, handle: u.legacy.screen_name, followers: u.legacy.followers_count ?? null, interstitial: u.legacy.profile_interstitial_type || null } };
  }
  return { kind: "unreadable", why: "neither the 2026 (core/relationship_counts) nor the legacy user shape" };
}
