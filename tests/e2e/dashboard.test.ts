/**
 * The dashboard in REAL Chromium (bundled @sparticuz/chromium), served by the local server on
 * seeded data: the token is entered once, health, breakers, the job timeline with reasons,
 * the queue (and posts, engagement and arms when /api/status carries them) are rendered, the
 * console stays clean, and a screenshot lands in .xbot/test-artifacts/dashboard.png. Incidents
 * are on top with their fix and alert delivery status (the webhook is a closed port, so the
 * delivery error shows), every breaker is listed, the no-LLM default is an info line, and at
 * 390×844 nothing overflows horizontally (screenshots at 390×844 and 1280×900).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, sparticuzProvider } from "../../lib/browser/index.js";
import sharp from "sharp";
import { prepareImage } from "../../lib/content/media.js";
import { addMedia } from "../../lib/db/media.js";
import { cancelItem, enqueue } from "../../lib/db/queue.js";
import { insertRun, type JobRun } from "../../lib/db/runs.js";
import { startLocalServer, type LocalServer } from "../../lib/dev/server.js";
import { createLogger } from "../../lib/log.js";
import { createTestDatabase, services } from "../support/env.js";
import { reviewIncidents } from "../../lib/runtime/incidents.js";

const svc = services();
const SCREENSHOT = join(process.cwd(), ".xbot/test-artifacts/dashboard.png");
const SHOT = (name: string) => join(process.cwd(), `.xbot/test-artifacts/dashboard-${name}.png`);
const ADMIN = "dashboard-admin-token-0123456789";
const ARTIFACT = "art_mk2x9_deadbeef01";

let server: LocalServer;
let dataDir: string;

function run(job: string, minutesAgo: number, status: JobRun["status"], extra: Partial<JobRun> = {}): JobRun {
  const startedAt = new Date(Date.now() - minutesAgo * 60_000);
  return {
    id: `${job}_seed_${minutesAgo}`,
    accountId: "default",
    job,
    trigger: "cron",
    mode: "live",
    status,
    reason: null,
    errorCode: null,
    summary: {},
    artifactId: null,
    startedAt,
    endedAt: new Date(startedAt.getTime() + 1_250),
    ...extra,
  };
}

async function seed(): Promise<void> {
  const { sql, state } = server.local.deps.clients;
  const runs = [
    run("heal", 30, "ok"),
    run("heal", 20, "ok"),
    run("heal", 10, "ok"),
    run("post", 25, "ok", { summary: { result: "posted" } }),
    run("post", 15, "failed", { errorCode: "x_automated", summary: { error: "X refused the post as automated (226)" }, artifactId: ARTIFACT }),
    run("post", 5, "skipped", { reason: "breaker_open:x" }),
    run("plan", 12, "ok", { summary: { target: 2, pendingBefore: 0, planned: 2, degraded: "llm not configured" } }),
  ];
  for (const r of runs) await insertRun(sql, r);
  const due = new Date(Date.now() + 3_600_000);
  await enqueue(sql, { accountId: "default", kind: "single", tweets: ["Seeded queue item: partial indexes are underrated"], source: "evergreen", topic: "postgres", format: "single", dueAt: due });
  await enqueue(sql, { accountId: "default", kind: "thread", tweets: ["Seeded thread, part one", "Seeded thread, part two"], source: "manual", dueAt: new Date(due.getTime() + 3_600_000) });
  const gone = await enqueue(sql, { accountId: "default", kind: "single", tweets: ["Seeded and then cancelled"], source: "manual", dueAt: due });
  await cancelItem(sql, "default", gone!.id);
  await state.isolateBreaker("x", Date.now());
  // Posts, metrics, followers and arms, for the fields /api/status may carry.
  const day = 86_400_000;
  for (let i = 0; i < 5; i++) {
    const tweetId = `17900000000000000${10 + i}`;
    const postedAt = new Date(Date.now() - (5 - i) * day);
    await sql.query("INSERT INTO posts (account_id, tweet_id, kind, text, posted_at) VALUES ('default', $1, 'single', $2, $3)", [
      tweetId,
      `Seeded post number ${i + 1} about Postgres`,
      postedAt.toISOString(),
    ]);
    await sql.query("INSERT INTO metric_snapshots (account_id, tweet_id, age_bucket, likes, replies, reposts, bookmarks, views, taken_at) VALUES ('default', $1, '24h', $2, $3, $4, 1, $5, $6)", [
      tweetId,
      10 + i * 7,
      2 + i,
      1 + i,
      900 + i * 350,
      new Date(postedAt.getTime() + day).toISOString(),
    ]);
    await sql.query("INSERT INTO follower_snapshots (account_id, followers, taken_at) VALUES ('default', $1, $2)", [120 + i * 4, postedAt.toISOString()]);
  }
  for (const [topic, pulls, alpha, beta] of [
    ["postgres", 6, 5, 3],
    ["typescript", 3, 2, 3],
    ["serverless", 1, 1, 2],
  ] as const) {
    await sql.query("INSERT INTO bandit_arms (account_id, arm_id, topic, format, hour_bucket, alpha, beta, pulls, reward_sum) VALUES ('default', $1, $2, 'single', 14, $3, $4, $5, $6)", [
      `${topic}:single:14`,
      topic,
      alpha,
      beta,
      pulls,
      alpha - 1,
    ]);
  }
  await sql.query("INSERT INTO artifacts (id, operation, url, error, screenshot, html) VALUES ($1, 'post', 'https://x.test/home', '{}', decode('89504e47', 'hex'), '<p>page</p>')", [ARTIFACT]);
  // The review every run ends with (lib/runtime/incidents.ts), here without a run so the seeded timeline stays as it is.
  await reviewIncidents(server.local.deps);
}

describe.skipIf(!svc.postgres)("dashboard in real Chromium", () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "xbot-dashboard-"));
    const env = {
      DATABASE_URL: await createTestDatabase("dash"),
      XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl,
      XBOT_STATE: "postgres",
      XBOT_DATA_DIR: dataDir,
      XBOT_ADMIN_TOKEN: ADMIN,
      XBOT_ALERT_WEBHOOK_URL: "http://127.0.0.1:9/hook",
    };
    server = await startLocalServer({ env, port: 0, sandboxPort: 0, scheduler: false, logSink: () => {} });
    await seed();
  });

  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("renders health, breakers, the job timeline with reasons and the queue; the console stays clean", { timeout: 90_000 }, async () => {
    const status = (await (await fetch(`${server.url}/api/status`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as Record<string, unknown>;
    const consoleProblems: string[] = [];
    const logger = createLogger({ level: "warn", sink: () => {} });
    await using browser = await openBrowser({ provider: sparticuzProvider(), logger, blockResources: [] });
    await browser.withPage(
      "dashboard",
      async (page) => {
        page.on("console", (message) => {
          if (message.type() === "error" || message.type() === "warning") consoleProblems.push(`${message.type()}: ${message.text()}`);
        });
        page.on("pageerror", (error) => consoleProblems.push(`pageerror: ${error.message}`));
        page.on("requestfailed", (request) => consoleProblems.push(`requestfailed: ${request.url()}`));
        // A CSP violation is reported both in the console (an error) and as an event: listen for both.
        await page.exposeFunction("__xbotCspViolation", (text: string) => consoleProblems.push(`securitypolicyviolation: ${text}`));
        await page.addInitScript(() => {
          document.addEventListener("securitypolicyviolation", (e) => {
            void (window as unknown as { __xbotCspViolation: (t: string) => Promise<void> }).__xbotCspViolation(`${e.violatedDirective} ${e.blockedURI}`);
          });
        });
        await page.setViewportSize({ width: 1400, height: 1000 });
        const landing = await page.goto(`${server.url}/`);
        const headers = landing!.headers();
        expect(headers["content-security-policy"]).toContain("default-src 'self'");
        expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
        expect(headers["x-content-type-options"]).toBe("nosniff");
        expect(headers["referrer-policy"]).toBe("no-referrer");

        // Before the token: the public health and the login form only.
        await page.locator("#login:not([hidden])").waitFor();
        expect(await page.locator("#app").isHidden()).toBe(true);
        await page.fill("#token", ADMIN);
        await page.click("#login-form button[type=submit]");
        await page.locator("body[data-loaded=true]").waitFor();

        // The token is kept for this tab only.
        expect(await page.evaluate(() => sessionStorage.getItem("xbot.adminToken"))).toBe(ADMIN);

        // Health and degradation: x isolated -> level 1 (minimal), degraded, with the alert.
        expect(await page.textContent("#status-pill")).toBe("degraded");
        expect(await page.textContent("#level")).toBe("level 1 · minimal");
        expect(await page.textContent("#alerts")).toContain("breaker x is isolated by hand");

        // Incidents on top: open first, with the fix and the alert delivery status.
        expect(await page.locator("main > section").first().getAttribute("id")).toBe("incidents");
        const isolated = page.locator('#incidents .incident[data-kind="breaker_isolated"][data-subject="x"][data-open="true"]');
        expect(await isolated.count()).toBe(1);
        expect(await isolated.textContent()).toContain("Fix: npx xbot breaker reset x");
        expect(await isolated.locator(".delivery.bad").textContent()).toMatch(/^alert delivery failed: 127\.0\.0\.1:9/);
        expect(await page.textContent("#incidents h2")).toMatch(/Incidents \(\d+ open\)/);

        // The default without an LLM key is an info line, not a warning.
        expect(await page.textContent("#alerts .alert.info")).toContain("No LLM key");
        expect(await page.locator("#alerts .alert:not(.info)", { hasText: /llm not configured/i }).count()).toBe(0);

        // Every breaker, also those that never tripped.
        expect(await page.locator("#breakers tr[data-breaker]").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.breaker).sort())).toEqual(["browser", "db", "llm", "state", "x"]);
        expect(await page.locator('#breakers tr[data-breaker="db"] .badge').textContent()).toBe("closed");

        // Breakers.
        const x = page.locator('#breakers tr[data-breaker="x"]');
        expect(await x.locator(".badge").textContent()).toBe("isolated");
        expect(await x.textContent()).toContain("until reset (xbot breaker reset x)");

        // The job timeline: one row per job, runs coloured by status, reasons in the tooltip.
        const order = (status.health as { order: string[] }).order;
        expect(await page.locator(".timeline-row").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.job))).toEqual(order);
        expect(await page.locator('.timeline-row[data-job="heal"] .run.ok').count()).toBe(3);
        const postRuns = page.locator('.timeline-row[data-job="post"] .run');
        expect(await postRuns.evaluateAll((runs) => runs.map((r) => (r as HTMLElement).dataset.status))).toEqual(["ok", "failed", "skipped"]);
        expect(await postRuns.nth(2).getAttribute("title")).toContain("breaker_open:x");

        // Skips and failures with their reasons and the artifact link.
        const problems = page.locator("#problems tbody tr");
        expect(await problems.count()).toBe(2);
        expect(await problems.nth(0).textContent()).toContain("breaker_open:x");
        expect(await problems.nth(1).textContent()).toContain("x_automated · X refused the post as automated (226)");
        expect(await problems.nth(1).locator(`a.artifact[data-artifact="${ARTIFACT}.png"]`).count()).toBe(1);

        // The queue: counts and items.
        expect(await page.textContent('#queue-counts [data-status="queued"] b')).toBe("2");
        expect(await page.textContent('#queue-counts [data-status="cancelled"] b')).toBe("1");
        expect(await page.locator("#queue tbody tr").count()).toBe(3);
        expect(await page.textContent("#queue")).toContain("Seeded queue item: partial indexes are underrated");
        expect(await page.textContent("#queue")).toContain("thread ×2");

        // Fields the status route may carry: rendered when present, a placeholder otherwise.
        if (Array.isArray(status.posts)) expect(await page.textContent("#posts")).toContain("Seeded post number 5 about Postgres");
        else expect(await page.textContent("#posts")).toContain("No post data from this deployment yet.");
        const engagement = status.engagement as unknown[] | { series?: unknown[] } | undefined;
        const days = Array.isArray(engagement) ? engagement : engagement?.series;
        if (Array.isArray(days) && days.some((d) => ((d as { likes?: number }).likes ?? 0) > 0)) {
          expect(await page.locator("#chart .uplot canvas").count()).toBeGreaterThan(0);
          expect(await page.textContent("#chart .u-legend")).toContain("likes");
        } else expect(await page.textContent("#chart")).toContain("No engagement measured yet");
        if (status.arms) expect(await page.textContent("#arms")).toContain("postgres");
        else expect(await page.textContent("#arms")).toContain("No arm has been played yet");

        mkdirSync(join(process.cwd(), ".xbot/test-artifacts"), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });

        // A phone: no horizontal scroll, tables stacked.
        for (const [width, height] of [
          [390, 844],
          [1280, 900],
        ] as const) {
          await page.setViewportSize({ width, height });
          await page.waitForTimeout(300);
          const overflow = await page.evaluate(() => ({
            scroll: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
            wide: [...document.querySelectorAll("main *")]
              .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .map((e) => e.id || e.className || e.tagName)
              .slice(0, 5),
          }));
          expect(overflow.wide, `${width}px: elements past the right edge`).toEqual([]);
          expect(overflow.scroll, `${width}px`).toBeLessThanOrEqual(overflow.client);
          if (width === 390) expect(await page.locator("#queue table thead").isHidden()).toBe(true);
          await page.screenshot({ path: SHOT(`${width}x${height}`), fullPage: true });
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.screenshot({ path: SHOT(`${width}x${height}-top`) });
          await page.evaluate(() => document.getElementById("breakers-card")?.scrollIntoView());
          await page.screenshot({ path: SHOT(`${width}x${height}-breakers`) });
        }
      },
      { timeoutMs: 60_000 },
    );
    expect(consoleProblems).toEqual([]);

    // The artifact link's endpoint needs the token.
    const artifactUrl = `${server.url}/api/artifacts?id=${ARTIFACT}&kind=`;
    expect((await fetch(`${artifactUrl}json`)).status).toBe(401);
    const artifact = await fetch(`${artifactUrl}json`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await artifact.json()).toMatchObject({ id: ARTIFACT, operation: "post", hasScreenshot: true });
    const png = await fetch(`${artifactUrl}png`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await png.arrayBuffer()).toString("hex")).toBe("89504e47");
    for (const res of [png, artifact, await fetch(`${server.url}/api/health`), await fetch(`${server.url}/app.js`), await fetch(`${server.url}/api/nothing`)]) {
      expect(res.headers.get("content-security-policy"), res.url).toContain("default-src 'self'");
      expect(res.headers.get("x-content-type-options"), res.url).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), res.url).toBe("no-referrer");
    }
  });

  it("the queue and recent posts show image thumbnails with their alt text (blob: URLs within the CSP); /api/media needs the token", { timeout: 90_000 }, async () => {
    const { sql } = server.local.deps.clients;
    const bytes = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#3a7" } })
      .png()
      .toBuffer();
    const prepared = await prepareImage("chart.png", bytes, "Green chart of weekly signups");
    if (!prepared.ok) throw new Error(prepared.reason);
    const { media } = await addMedia(sql, { accountId: "default", ...prepared.image });
    await enqueue(sql, { accountId: "default", kind: "single", tweets: ["Queued with a chart"], source: "manual", dueAt: new Date(Date.now() + 7_200_000), media: [[media.id]] });
    const postedItem = await enqueue(sql, { accountId: "default", kind: "single", tweets: ["Posted with a chart"], source: "manual", dueAt: new Date(), media: [[media.id]] });
    await sql.query("UPDATE content_items SET status = 'posted' WHERE id = $1", [postedItem!.id]);
    await sql.query("INSERT INTO posts (account_id, tweet_id, item_id, kind, text, posted_at) VALUES ('default', '1790000000000000099', $1, 'single', 'Posted with a chart', now())", [postedItem!.id]);
    expect((await fetch(`${server.url}/api/media?id=${media.id}`)).status).toBe(401);
    const thumb = await fetch(`${server.url}/api/media?id=${media.id}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({ format: "webp", width: 160, height: 107 });
    const problems: string[] = [];
    await using browser = await openBrowser({ provider: sparticuzProvider(), logger: createLogger({ level: "warn", sink: () => {} }), blockResources: [] });
    await browser.withPage(
      "dashboard-media",
      async (page) => {
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
        await page.goto(`${server.url}/`);
        await page.fill("#token", ADMIN);
        await page.click("#login-form button[type=submit]");
        await page.locator("body[data-loaded=true]").waitFor();
        for (const box of ["#queue", "#posts"]) {
          const img = page.locator(`${box} img.thumb[data-media="${media.id}"]`).first();
          expect(await img.getAttribute("alt")).toBe("Green chart of weekly signups");
          await page.waitForFunction((sel) => {
            const i = document.querySelector(sel) as HTMLImageElement | null;
            return !!i && i.complete && i.naturalWidth > 0;
          }, `${box} img.thumb[data-media="${media.id}"]`);
          expect(await img.getAttribute("src")).toMatch(/^blob:/);
        }
      },
      { timeoutMs: 60_000 },
    );
    expect(problems).toEqual([]);
  });

  it("a CSP violation on the page would be caught: an inline script is blocked and reported", { timeout: 60_000 }, async () => {
    const logger = createLogger({ level: "warn", sink: () => {} });
    await using browser = await openBrowser({ provider: sparticuzProvider(), logger, blockResources: [] });
    await browser.withPage(
      "dashboard-csp",
      async (page) => {
        const errors: string[] = [];
        page.on("console", (message) => {
          if (message.type() === "error") errors.push(message.text());
        });
        await page.goto(`${server.url}/`);
        const reported = await page.evaluate(
          () =>
            new Promise<string>((resolve) => {
              document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), { once: true });
              const script = document.createElement("script");
              script.textContent = "window.__inlineRan = true";
              document.body.append(script);
            }),
        );
        expect(reported).toMatch(/^script-src/);
        expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
        expect(errors.some((e) => e.includes("Content Security Policy"))).toBe(true);
      },
      { timeoutMs: 30_000 },
    );
  });
});
