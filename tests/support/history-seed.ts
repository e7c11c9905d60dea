/**
 * Realistic history at the bot's own pace, seeded in a few INSERT ... SELECT generate_series
 * statements that write the same rows the project's write paths write (enqueue, attempts,
 * recordReceipt, saveSnapshot, insertFollowerSnapshot, insertRun, storeCandidates).
 *
 * Pace: 137 content items a day (60% singles, 20% 3-tweet threads, 20% replies) and about 670
 * job runs a day, so 100k items is about two years of one account: ~140k posts, ~290k metric
 * snapshots, ~490k job runs, ~60k reply candidates. The last 2 days of posts are unscored.
 */
import type { Sql } from "../../lib/db/sql.js";

/** What was seeded. */
export interface SeededHistory {
  readonly items: number;
  readonly days: number;
  readonly rows: Record<string, number>;
}

const ITEMS_PER_DAY = 137;
const RUNS_PER_DAY = 670;
const JOBS = ["post", "plan", "metrics", "followers", "learn", "replies", "reconcile", "heal"];

/** Seeds `items` content items of history ending at `now` for `accountId` (a fresh, migrated database). */
export async function seedHistory(sql: Sql, items: number, now: Date, accountId = "default"): Promise<SeededHistory> {
  const days = items / ITEMS_PER_DAY;
  const stepS = 86_400 / ITEMS_PER_DAY;
  const p = [accountId, now.toISOString(), items, stepS];
  // Items: g = 1..n, due g steps before now; the last 5 are still queued (due soon).
  await sql.query(
    `INSERT INTO content_items (id, account_id, kind, status, tweets, content_hash, source, topic, format, hour_bucket, arm_id, due_at, attempts,
       claimed_at, tweet_id, posted_at, reason, created_at, updated_at)
     SELECT g, $1, k.kind, k.status,
       CASE WHEN k.kind = 'thread' THEN jsonb_build_array('thread ' || g || ' on topic ' || (g % 7) || ' starts here with words', 'part two of ' || g, 'part three of ' || g)
            ELSE jsonb_build_array('post ' || g || ' about topic ' || (g % 7) || ' with a few more words ' || md5(g::text)) END,
       md5('item' || g), 'llm', 'topic' || (g % 7), k.kind, (g % 6) * 4, 'topic' || (g % 7) || ':' || k.kind || ':' || (g % 6) * 4,
       t.due, CASE WHEN k.status = 'queued' THEN 0 ELSE 1 END,
       CASE WHEN k.status = 'queued' THEN NULL ELSE t.due END,
       CASE WHEN k.status = 'posted' THEN (1000000000000000 + g)::text END,
       CASE WHEN k.status = 'posted' THEN t.due + interval '20 seconds' END,
       CASE WHEN k.status = 'failed' THEN 'x_rejected: seeded' END, t.due - interval '1 hour', t.due + interval '20 seconds'
     FROM generate_series(1, $3::int) g
     CROSS JOIN LATERAL (SELECT $2::timestamptz - ($3::int - g - 5) * $4::float8 * interval '1 second' AS due) t
     CROSS JOIN LATERAL (SELECT CASE WHEN g % 10 < 6 THEN 'single' WHEN g % 10 < 8 THEN 'thread' ELSE 'reply' END AS kind,
       CASE WHEN g > $3::int - 5 THEN 'queued' WHEN g % 50 = 3 THEN 'failed' WHEN g % 100 = 7 THEN 'cancelled' ELSE 'posted' END AS status) k`,
    p,
  );
  await sql.query("SELECT setval('content_items_id_seq', (SELECT max(id) FROM content_items))");
  await sql.query(
    `INSERT INTO post_attempts (id, account_id, item_id, attempt_no, run_id, mode, status, content_hash, tweet_ids, lease_until, started_at, finished_at)
     SELECT id, account_id, id, 1, 'run_seed_' || id, 'live', CASE WHEN status = 'posted' THEN 'succeeded' ELSE 'failed' END, content_hash,
       CASE WHEN status = 'posted' THEN jsonb_build_array(tweet_id) ELSE '[]' END, due_at + interval '3 minutes', due_at, due_at + interval '20 seconds'
     FROM content_items WHERE account_id = $1 AND status IN ('posted', 'failed')`,
    [accountId],
  );
  await sql.query("SELECT setval('post_attempts_id_seq', (SELECT max(id) FROM post_attempts))");
  // Receipts: one row per tweet; thread tails have ids offset by 10^14 per position.
  await sql.query(
    `INSERT INTO posts (account_id, tweet_id, item_id, attempt_id, kind, position, thread_root, in_reply_to, text, origin, posted_at, scored_at, reward, reward_raw, scored_arm_id)
     SELECT i.account_id, CASE WHEN t.pos = 0 THEN i.tweet_id ELSE (i.id + 1000000000000000 + t.pos * 100000000000000)::text END, i.id, i.id, i.kind, t.pos,
       i.tweet_id, CASE WHEN t.pos > 0 THEN i.tweet_id WHEN i.kind = 'reply' THEN (2000000000000000 + i.id)::text END, t.text, 'bot', i.posted_at,
       CASE WHEN t.pos = 0 AND i.posted_at < $2::timestamptz - interval '2 days' THEN i.posted_at + interval '1 day' END,
       CASE WHEN t.pos = 0 AND i.posted_at < $2::timestamptz - interval '2 days' THEN 0.3 END,
       CASE WHEN t.pos = 0 AND i.posted_at < $2::timestamptz - interval '2 days' THEN 0.2 END,
       CASE WHEN t.pos = 0 AND i.posted_at < $2::timestamptz - interval '2 days' THEN i.arm_id END
     FROM content_items i
     CROSS JOIN LATERAL (SELECT e.text, (e.n - 1)::int AS pos FROM jsonb_array_elements_text(i.tweets) WITH ORDINALITY AS e(text, n)) t
     WHERE i.account_id = $1 AND i.status = 'posted'`,
    [accountId, now.toISOString()],
  );
  await sql.query(
    `INSERT INTO metric_snapshots (account_id, tweet_id, age_bucket, likes, replies, reposts, bookmarks, views, source, taken_at)
     SELECT p.account_id, p.tweet_id, b.bucket, (p.id % 13) * b.f, (p.id % 5) * b.f, (p.id % 3) * b.f, p.id % 2, (100 + p.id % 900) * b.f, 'graphql', p.posted_at + b.age
     FROM posts p CROSS JOIN (VALUES ('1h', interval '1 hour', 1), ('24h', interval '24 hours', 3), ('7d', interval '7 days', 5)) AS b(bucket, age, f)
     WHERE p.account_id = $1 AND p.position = 0 AND p.posted_at + b.age <= $2::timestamptz`,
    [accountId, now.toISOString()],
  );
  await sql.query(
    `INSERT INTO follower_snapshots (account_id, followers, taken_at)
     SELECT $1, 1000 + g, $2::timestamptz - g * interval '2 hours' FROM generate_series(0, ceil($3::float8 * 12)::int) g`,
    [accountId, now.toISOString(), days],
  );
  await sql.query(
    `INSERT INTO job_runs (id, account_id, job, trigger, mode, status, reason, error_code, summary, started_at, ended_at)
     SELECT 'run_' || g, $1, ($4::text[])[1 + g % $5::int], 'cron', 'live', CASE WHEN g % 40 = 0 THEN 'failed' WHEN g % 9 = 0 THEN 'skipped' ELSE 'ok' END,
       CASE WHEN g % 9 = 0 THEN 'locked' END, CASE WHEN g % 40 = 0 THEN 'page_timeout' END, '{"n":1}',
       $2::timestamptz - g * (86400.0 / $6::int) * interval '1 second', $2::timestamptz - g * (86400.0 / $6::int) * interval '1 second' + interval '2 seconds'
     FROM generate_series(1, ceil($3::float8 * $6::int)::int) g`,
    [accountId, now.toISOString(), days, JOBS, JOBS.length, RUNS_PER_DAY],
  );
  await sql.query(
    `INSERT INTO artifacts (id, run_id, operation, url, error, html, created_at)
     SELECT 'art_' || id, id, 'post', 'https://x.com/home', '{"code":"page_timeout"}', '<html>seeded</html>', started_at FROM job_runs WHERE status = 'failed'`,
  );
  await sql.query("UPDATE job_runs SET artifact_id = 'art_' || id WHERE status = 'failed'");
  await sql.query(
    `INSERT INTO reply_candidates (account_id, tweet_id, author, text, tweet_time, source, score, status, reason, item_id, created_at)
     SELECT i.account_id, (3000000000000000 + i.id * 3 + c.n)::text, 'Author' || (i.id % 300), 'a mention ' || i.id, i.due_at - interval '2 hours', 'mention',
       0.5, CASE WHEN c.n = 0 THEN CASE WHEN i.status = 'posted' THEN 'replied' ELSE 'queued' END ELSE 'skipped' END,
       CASE WHEN c.n > 0 THEN 'not a root tweet by someone else' END, CASE WHEN c.n = 0 THEN i.id END, i.due_at - interval '1 hour'
     FROM content_items i CROSS JOIN generate_series(0, 2) AS c(n) WHERE i.account_id = $1 AND i.kind = 'reply'`,
    [accountId],
  );
  await sql.query(
    `INSERT INTO reply_candidates (account_id, tweet_id, author, text, tweet_time, source, score, status, created_at)
     SELECT $1, (4000000000000000 + g)::text, 'Fresh' || (g % 20), 'a new mention ' || g, $2::timestamptz - g * interval '10 minutes', 'mention', 1.0 / g, 'new', $2::timestamptz - g * interval '10 minutes'
     FROM generate_series(1, 40) g`,
    [accountId, now.toISOString()],
  );
  await sql.query(
    `INSERT INTO bandit_arms (account_id, arm_id, topic, format, hour_bucket, alpha, beta, pulls, reward_sum)
     SELECT DISTINCT $1, arm_id, topic, format, hour_bucket, 10, 20, 30, 9 FROM content_items WHERE account_id = $1 ON CONFLICT DO NOTHING`,
    [accountId],
  );
  await sql.query("ANALYZE");
  const rows: Record<string, number> = {};
  for (const table of ["content_items", "post_attempts", "posts", "metric_snapshots", "follower_snapshots", "job_runs", "reply_candidates", "artifacts"]) {
    const [r] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    rows[table] = r?.n ?? 0;
  }
  return { items, days, rows };
}

/** Round trips (HTTP requests) the Neon HTTP shim at `neonHttpUrl` has served for the database of `databaseUrl`. */
export async function shimRoundTrips(neonHttpUrl: string, databaseUrl: string): Promise<number> {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const stats = (await (await fetch(new URL("/__shim/stats", neonHttpUrl))).json()) as { byDatabase?: Record<string, number> };
  return stats.byDatabase?.[database] ?? 0;
}
