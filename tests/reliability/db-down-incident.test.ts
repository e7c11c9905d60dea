/**
 * The database down is an incident (lib/runtime/db-down.ts), on the test's OWN Postgres (behind
 * the Neon HTTP shim, state on the shared Redis) and a webhook receiver on 127.0.0.1 behind three
 * URLs (json, slack, discord; each body validated as a payload of its format). Postgres is
 * stopped: the first failing run opens db_down in the state store and alerts once per format;
 * later failing runs and the runs the db breaker refuses send nothing more until one remind
 * interval has passed (one reminder per format). Postgres comes back:
 * the first run that reaches it writes the incident (opened when the outage was first seen,
 * resolved now) and the resolve is sent once per format.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineJob } from "../../lib/jobs/job.js";
import { runJob } from "../../lib/runtime/runner.js";
import { listIncidents } from "../../lib/db/incidents.js";
import { services } from "../support/env.js";
import { TestClock } from "../support/bot.js";
import { testRuntime } from "../support/runtime.js";
import { startPostgres, type PostgresServer } from "../support/services.js";
import { startNeonHttpShim, type NeonHttpShim } from "../support/neon-http-shim.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import { eventsByFormat, formatUrls, inEveryFormat } from "../support/alert-payloads.js";

const svc = services();

describe.skipIf(!svc.postgres || !svc.redis)("db_down: the database unreachable is an incident, alerted from the state store", () => {
  let postgres: PostgresServer;
  let neon: NeonHttpShim;
  let receiver: WebhookReceiver;
  let databaseUrl = "";

  beforeAll(async () => {
    postgres = await startPostgres({ settings: { synchronous_commit: "on" } });
    neon = await startNeonHttpShim({ port: postgres.port });
    receiver = await startWebhookReceiver();
    const database = `dbdown_${randomBytes(5).toString("hex")}`;
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${database}"`);
    } finally {
      await client.end();
    }
    databaseUrl = postgres.urlFor(database);
  });
  afterAll(async () => {
    await receiver?.close();
    await neon?.close();
    await postgres?.stop();
  });

  /** Needs db and state; every run queries the db. */
  const dbJob = defineJob({
    name: "db-reader",
    schedule: "*/5 * * * *",
    maxDurationMs: 30_000,
    needs: ["db", "state"],
    async run(ctx) {
      const [row] = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM content_items WHERE account_id = $1", [ctx.config.XBOT_ACCOUNT_ID]);
      return { items: row?.n ?? -1 };
    },
  });

  it("opened once per format when Postgres stops, not repeated by failing or refused runs, reminded after the interval, resolved once when it answers", async () => {
    const path = "/db-down";
    const clock = new TestClock();
    const rt = await testRuntime("redis", {
      jobs: [dbJob],
      clock,
      env: { DATABASE_URL: databaseUrl, XBOT_NEON_HTTP_URL: neon.sqlUrl, XBOT_ALERT_WEBHOOK_URL: formatUrls(receiver, path), XBOT_ALERT_REMIND_HOURS: "0.02" },
    });
    const deps = await rt.factory();
    const events = () => eventsByFormat(receiver, path, "db_down", "database");
    expect(await runJob(deps, { job: "db-reader", trigger: "cron" })).toMatchObject({ status: "ok" });
    expect(events()).toEqual(inEveryFormat([]));

    await postgres.down();
    const downAt = clock.now();
    expect(await runJob(deps, { job: "db-reader", trigger: "cron" })).toMatchObject({ status: "failed", errorCode: "db_unavailable" });
    expect(events()).toEqual(inEveryFormat(["opened"]));
    for (let i = 0; i < 2; i++) expect(await runJob(deps, { job: "db-reader", trigger: "cron" })).toMatchObject({ status: "failed", errorCode: "db_unavailable" });
    expect(await runJob(deps, { job: "db-reader", trigger: "cron" })).toMatchObject({ status: "skipped", reason: "breaker_open:db" });
    expect(events()).toEqual(inEveryFormat(["opened"]));
    // One remind interval (72 simulated seconds) on, still down: the breaker's trial fails, one reminder per format.
    clock.advance(73_000);
    expect(await runJob(deps, { job: "db-reader", trigger: "cron" })).toMatchObject({ status: "failed", errorCode: "db_unavailable" });
    expect(await runJob(deps, { job: "db-reader", trigger: "cron" })).toMatchObject({ status: "skipped", reason: "breaker_open:db" });
    expect(events()).toEqual(inEveryFormat(["opened", "reminder"]));

    await postgres.up();
    clock.advance(130_000);
    expect(await runJob(deps, { job: "db-reader", trigger: "cron" })).toMatchObject({ status: "ok" });
    expect(events()).toEqual(inEveryFormat(["opened", "reminder", "resolved"]));
    expect(await runJob(deps, { job: "db-reader", trigger: "cron" })).toMatchObject({ status: "ok" });
    expect(events()).toEqual(inEveryFormat(["opened", "reminder", "resolved"]));

    const rows = (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(clock.now()))).filter((i) => i.kind === "db_down");
    expect(rows).toHaveLength(1);
    expect(new Date(rows[0]!.openedAt).getTime()).toBeGreaterThanOrEqual(downAt);
    expect(new Date(rows[0]!.openedAt).getTime()).toBeLessThan(downAt + 30_000);
    expect(rows[0]!.resolvedAt).not.toBeNull();
    expect(rows[0]!.message).toMatch(/database cannot be reached/);
  }, 120_000);
});
