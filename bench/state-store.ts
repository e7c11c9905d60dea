/**
 * StateStore operations on Redis (Upstash REST shim -> redis-server), Postgres (Neon HTTP
 * shim -> postgres) and embedded PGlite, side by side. Latency per operation, and round
 * trips per operation counted at the shim (PGlite runs in-process: no network trips).
 */
import { PostgresStateStore } from "../lib/state/postgres.js";
import { RedisStateStore } from "../lib/state/redis.js";
import type { StateStore } from "../lib/state/store.js";
import type { BreakerPolicy } from "../lib/state/breaker.js";
import type { BenchServices } from "./lib/services.js";
import { round, summarise, table, type Timing } from "./lib/measure.js";

const policy: BreakerPolicy = { threshold: 5, cooldownsMs: [60_000] };
const ITERATIONS = 150;

type Op = { name: string; run: (s: StateStore, i: number) => Promise<unknown> };
const OPS: Op[] = [
  {
    name: "acquireLock + releaseLock",
    run: async (s, i) => {
      await s.acquireLock(`l${i}`, "o", 10_000);
      await s.releaseLock(`l${i}`, "o");
    },
  },
  { name: "acquireLease", run: (s, i) => s.acquireLease("browser", `h${i}`, 1_000_000, 10_000) },
  { name: "acquireBreakerTrial (closed)", run: (s, i) => s.acquireBreakerTrial("db", `h${i}`, Date.now(), 10_000) },
  { name: "recordBreakerOutcome (failure)", run: (s) => s.recordBreakerOutcome("x", { ok: false, trial: false }, policy, Date.now()) },
  { name: "incrementCounter", run: (s) => s.incrementCounter("posts", 1, 3_600_000) },
  { name: "claimOnce", run: (s, i) => s.claimOnce(`m${i}`, 60_000) },
  { name: "readHeartbeats", run: (s) => s.readHeartbeats() },
  {
    name: "admit (lock + 2 breakers + 1 after + 1 lease)",
    run: (s, i) =>
      s.admit({
        job: `j${i}`,
        runId: `r${i}`,
        nowMs: Date.now(),
        dedupeTtlMs: 1,
        lockTtlMs: 10_000,
        breakers: [
          { name: "db", policy },
          { name: "browser", policy },
        ],
        after: [{ job: "plan", maxAgeMs: 1e12 }],
        leases: [{ resource: "slots", slots: 1e6, ttlMs: 10_000 }],
        minLevel: 0,
        levels: {},
      }),
  },
  {
    name: "settle (heartbeat + 2 outcomes + lease + lock)",
    run: (s, i) =>
      s.settle({
        job: `j${i}`,
        runId: `r${i}`,
        nowMs: Date.now(),
        status: "ok",
        releaseLock: true,
        leases: ["slots"],
        heartbeatTtlMs: 60_000,
        releaseTrials: [],
        outcomes: [
          { name: "db", ok: true, trial: false, policy },
          { name: "browser", ok: true, trial: false, policy },
        ],
      }),
  },
];

interface Target {
  name: string;
  store: StateStore;
  trips: () => number;
}

/** Runs the benchmark and returns its markdown section. */
export async function benchStateStore(services: BenchServices): Promise<string> {
  const targets: Target[] = [
    { name: "Redis (Upstash REST)", store: RedisStateStore.create({ url: services.upstash.restUrl, token: services.upstash.token, prefix: "bench" }), trips: () => services.upstash.stats().requests },
    { name: "Postgres (Neon HTTP)", store: PostgresStateStore.create(await services.postgresSql(), "bench"), trips: () => services.neon.stats().requests },
    { name: "PGlite (in-process)", store: PostgresStateStore.create(await services.pgliteSql(), "bench"), trips: () => NaN },
  ];
  for (const t of targets) await t.store.setHeartbeat("plan", { at: Date.now(), lastSuccessAt: Date.now(), status: "ok" }, 3_600_000);
  const rows: (string | number)[][] = [];
  for (const op of OPS) {
    const cells: (string | number)[] = [op.name];
    for (const t of targets) for (let i = 0; i < 10; i++) await op.run(t.store, 1_000_000 + i);
    // Interleaved: every iteration runs each store once, the order rotating, so drift hits all alike.
    const samples = targets.map(() => [] as number[]);
    const trips = targets.map(() => 0);
    for (let i = 0; i < ITERATIONS; i++) {
      for (let k = 0; k < targets.length; k++) {
        const index = (i + k) % targets.length;
        const t = targets[index]!;
        const before = t.trips();
        const started = performance.now();
        await op.run(t.store, i);
        samples[index]!.push(performance.now() - started);
        trips[index]! += t.trips() - before;
      }
    }
    targets.forEach((_, index) => {
      const timing: Timing = summarise(samples[index]!);
      const perCall = trips[index]! / ITERATIONS;
      cells.push(`${timing.medianMs} / ${timing.p95Ms}`, Number.isNaN(perCall) ? "in-process" : round(perCall));
    });
    rows.push(cells);
  }
  const header = ["operation", ...targets.flatMap((t) => [`${t.name} ms (median / p95)`, "round trips"])];
  return [
    "## StateStore operations",
    "",
    `Method: each operation runs ${ITERATIONS} times per store after 10 warm-up calls, on the same machine in one run, interleaved: every iteration calls each store once, the order rotating; median / p95 (nearest rank). ` +
      "Round trips are HTTP requests counted at the protocol shim that stands in for the vendor's front door (Upstash REST, Neon HTTP). " +
      "Local loopback hides network latency: on Vercel each round trip adds the region-to-region RTT, so round trips are the number that carries over.",
    "",
    table(header, rows),
  ].join("\n");
}
