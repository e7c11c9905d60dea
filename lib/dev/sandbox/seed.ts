/** Seeding other users, their posts, mentions and follower counts. */
import { z } from "zod";
import { snapshot } from "./queries.js";
import type { SandboxState } from "./state.js";
import type { SandboxPost, SeedInput } from "./types.js";

const Handle = z.string().regex(/^[A-Za-z0-9_]{1,15}$/);
const Count = z.number().int().min(0);
const MetricsSchema = z.object({ replies: Count, reposts: Count, likes: Count, bookmarks: Count, views: Count, quotes: Count }).partial();

/** Schema of `POST /__sandbox/seed`. */
export const SeedSchema = z.object({
  mentions: z.array(z.object({ author: Handle, text: z.string().min(1), createdAtMs: z.number().optional(), inReplyTo: z.string().optional() })).optional(),
  followers: Count.optional(),
  premium: z.boolean().optional(),
  posts: z
    .array(
      z.object({
        author: Handle.optional(),
        text: z.string().min(1),
        createdAtMs: z.number().optional(),
        inReplyTo: z.string().optional(),
        metrics: MetricsSchema.optional(),
        media: z.number().int().min(0).max(4).optional(),
        layout: z.literal("legacy").optional(),
        pinned: z.boolean().optional(),
        quoteOf: z
          .string()
          .regex(/^\d{1,20}$/)
          .optional(),
      }),
    )
    .optional(),
  users: z.record(Handle, z.object({ name: z.string().optional(), followers: Count.optional() })).optional(),
});

function seedUsers(state: SandboxState, input: SeedInput): void {
  if (input.followers !== undefined) state.ensureUser(state.user).followers = input.followers;
  if (input.premium !== undefined) state.premium = input.premium;
  for (const [handle, u] of Object.entries(input.users ?? {})) {
    const info = state.ensureUser(handle);
    if (u.name !== undefined) info.name = u.name;
    if (u.followers !== undefined) info.followers = u.followers;
  }
}

/** Applies a seed; returns the posts it created (mentions after posts). */
export function applySeed(state: SandboxState, input: SeedInput): SandboxPost[] {
  seedUsers(state, input);
  const created = [];
  for (const p of input.posts ?? []) {
    created.push(
      state.addPost({
        author: p.author ?? state.user,
        text: p.text,
        inReplyTo: p.inReplyTo ?? null,
        ...(p.createdAtMs !== undefined ? { createdAtMs: p.createdAtMs } : {}),
        ...(p.metrics ? { fixedMetrics: p.metrics } : {}),
        ...(p.media ? { media: p.media } : {}),
        ...(p.layout ? { layout: p.layout } : {}),
        ...(p.pinned ? { pinned: true } : {}),
        ...(p.quoteOf && state.posts.has(p.quoteOf) ? { quoteOf: p.quoteOf } : {}),
      }),
    );
  }
  const tag = `@${state.user}`;
  for (const m of input.mentions ?? []) {
    const text = m.text.toLowerCase().includes(tag.toLowerCase()) ? m.text : `${tag} ${m.text}`;
    const at = m.createdAtMs !== undefined ? { createdAtMs: m.createdAtMs } : {};
    created.push(state.addPost({ author: m.author, text, inReplyTo: m.inReplyTo ?? null, ...at }));
  }
  return created.map((p) => snapshot(state, p));
}

/** The initial content: two other users with a few posts and one mention. */
export function applyDefaultSeed(state: SandboxState): void {
  const now = state.now();
  const h = 3600_000;
  applySeed(state, {
    users: { pg_guru: { name: "Postgres Guru", followers: 5400 }, edge_dev: { name: "Edge Dev", followers: 890 } },
    posts: [
      { author: "pg_guru", text: "Partial indexes in Postgres are underrated.", createdAtMs: now - 5 * h },
      { author: "edge_dev", text: "Cold starts on serverless are mostly a bundle-size problem.", createdAtMs: now - 3 * h },
    ],
    mentions: [{ author: "edge_dev", text: "what do you think about TypeScript 7?", createdAtMs: now - 1 * h }],
  });
}

/** Back to the initial state: cleared, then the default seed. */
export function resetState(state: SandboxState): void {
  state.clear();
  applyDefaultSeed(state);
}
