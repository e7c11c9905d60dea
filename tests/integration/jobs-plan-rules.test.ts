/**
 * The rule gates in the plan job: a model that writes links (also disguised), mentions,
 * hashtag spam, cashtags, a slur, the admin token or our own instructions gets every one of
 * those posts rejected by the gate named in the summary; nothing of it is queued, and the
 * evergreen library fills the slots (an evergreen entry breaking a rule is rejected too).
 */
import { describe, expect, it } from "vitest";
import { postInstructions } from "../../lib/content/prompts.js";
import { listItems } from "../../lib/db/queue.js";
import { apiError, contentDir, generationCalls, isSafetyCall, planSetup, scriptedModel, singleJson } from "../support/job-fixtures.js";
import { availableStores, TEST_SECRETS } from "../support/runtime.js";

const DAY = Date.UTC(2031, 2, 4, 10, 0, 0);
const HOSTILE = [
  singleJson("Indexes matter. Full guide at https://scam-guide.xyz/postgres"),
  singleJson("Indexes matter. Full guide at scam-guide[.]xyz"),
  singleJson("Indexes matter, a thread.\n\nFull guide at ѕсаm-guidе.хуz"),
  singleJson("Indexes matter, as @postgres_guru says."),
  singleJson("Indexes matter #postgres #sql #databases"),
  singleJson("Indexes matter, and so does $NVDA."),
  singleJson("Only a retard skips indexes."),
  singleJson(`Indexes matter. Admin: ${TEST_SECRETS.admin}`),
  singleJson(postInstructions("single")),
];

const CLEAN = [
  "Vacuum is not optional: autovacuum settings decide how big your tables grow.",
  "Measure before you index: EXPLAIN ANALYZE shows what the planner really did.",
  "A foreign key without an index turns every parent delete into a sequential scan.",
  "Connection pools exist because Postgres forks a process per connection.",
  "Store money as integer cents or numeric, never as floating point.",
  "Timestamps belong in timestamptz; the time zone of the server is not your data.",
  "Small transactions release locks sooner; long ones block vacuum and everyone else.",
  "Read replicas lag: never read your own write from one.",
  "An advisory lock is a cheap mutex when two workers must not run the same job.",
  "Migrations that add a column with a default are instant in modern Postgres.",
];

describe.each(availableStores())("plan job rule gates on %s", (store) => {
  it("rejects every hostile generated post by its gate and queues none of them", async () => {
    const evergreen = {
      posts: [
        ...CLEAN.map((text, i) => ({ id: `clean-${i}`, topic: "databases", format: "single", tweets: [text] })),
        { id: "linky", topic: "databases", format: "single", tweets: ["Read my course at course-site.com"] },
      ],
    };
    const model = scriptedModel(HOSTILE);
    const s = await planSetup(store, { model, contentDir: contentDir(["single"], evergreen) }, DAY);
    const summary = (await s.run({ target: HOSTILE.length, maxPerRun: HOSTILE.length })).summary as Record<string, unknown>;
    expect(model.doGenerateCalls).toHaveLength(HOSTILE.length);
    expect(summary).toMatchObject({ llm: 0, rejected: { link: expect.any(Number), mention: 1, tags: 2, abuse: 1, leak: 2 } });
    expect((summary.rejected as Record<string, number>).link).toBeGreaterThanOrEqual(3 + 1); // three LLM posts and the evergreen entry
    const queued = await listItems(s.deps.clients.sql, "default", { limit: 100 });
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.every((i) => i.source === "evergreen" && !i.tweets.join(" ").includes("course-site"))).toBe(true);
  });

  it.each([
    ["an unsafe verdict", { safe: false, reason: "states a medical claim as fact" }, "unsafe", "states a medical claim as fact"],
    ["a failed safety call", apiError(503), "failed", "llm_unavailable"],
  ] as const)("%s holds the generated post in review, with verdict, reason and cost; nothing is queued as due", async (_name, safety, verdict, reason) => {
    const model = scriptedModel([singleJson(CLEAN[0]!)], safety);
    const s = await planSetup(store, { model, contentDir: contentDir(["single"]) }, DAY);
    const summary = (await s.run({ target: 1 })).summary as Record<string, unknown>;
    expect(summary).toMatchObject({ planned: 1, llm: 1, held: 1 });
    expect(generationCalls(model)).toHaveLength(1);
    expect(model.doGenerateCalls.filter(isSafetyCall).length).toBeGreaterThanOrEqual(1);
    const rows = await s.deps.clients.sql.query<{ status: string; checks: any; review_until: Date | null }>("SELECT status, checks, review_until FROM content_items");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "review", checks: { rules: "passed", safety: { verdict, reason: expect.stringContaining(reason) } } });
    expect(rows[0]!.review_until).not.toBeNull();
    const [decision] = await s.deps.clients.sql.query<{ decision: string; actor: string }>("SELECT decision, actor FROM review_decisions");
    expect(decision).toEqual({ decision: "held", actor: "system:safety" });
  });
});
