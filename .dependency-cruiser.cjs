/**
 * The layering as rules (docs/architecture.md). A folder may import only folders in layers below
 * its own, never a sibling in its layer:
 *
 *   api → runtime → jobs → (posting, content, learn, replies) → (x, browser, db, state, resilience) → (errors, log, config)
 *
 * dev, cli and deploy sit on top (local tools, the CLI, the build) and nothing in the deployed path
 * imports them; lib imports nothing from tests or bench. SQL lives only in lib/db and the Postgres
 * StateStore: scripts/check-sql.ts checks that by a grep (npm run lint), as the graph cannot.
 *
 * npm run deps:check checks these rules (CI); npm run deps draws the folder graph into docs/layers.svg.
 */
const BASE = "^lib/(errors|log|config|process|promise-cache)[.]ts$|^lib/types/";
const INFRA = "^lib/(x|browser|db|state|resilience)/";
const DOMAIN = "^lib/(posting|content|learn|replies)/";
const JOBS = "^lib/jobs/";
const RUNTIME = "^lib/runtime/";
const API = "^api/";
const TOP = "^lib/(dev|cli|deploy)/|^scripts/|^bin/";
const any = (...parts) => parts.join("|");

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "base-imports-base-only",
      severity: "error",
      comment: "errors, log, config (and small helpers) are the floor: they import nothing from lib's folders",
      from: { path: BASE },
      to: { path: any(INFRA, DOMAIN, JOBS, RUNTIME, API, TOP) },
    },
    {
      name: "infra-no-upward",
      severity: "error",
      comment: "x, browser, db, state, resilience import only errors, log, config",
      from: { path: INFRA },
      to: { path: any(DOMAIN, JOBS, RUNTIME, API, TOP) },
    },
    // Within the infrastructure layer: x drives pages (it may import browser) and resilience configures the
    // state store's breakers (it may import state). db may name x's and browser's types (type-only) for the rows
    // it stores. The Postgres StateStore runs on the Sql client. Nothing else crosses sideways.
    {
      name: "x-not-db-state-resilience",
      severity: "error",
      comment: "x talks to X; it is handed what it needs from db and state",
      from: { path: "^lib/x/" },
      to: { path: "^lib/(db|state|resilience)/" },
    },
    {
      name: "browser-not-sideways",
      severity: "error",
      comment: "browser knows nothing of X, the database or the state store",
      from: { path: "^lib/browser/" },
      to: { path: "^lib/(x|db|state|resilience)/" },
    },
    {
      name: "db-types-only-sideways",
      severity: "error",
      comment: "db may name x's and browser's types, never call them",
      from: { path: "^lib/db/" },
      to: { path: "^lib/(x|browser|state|resilience)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "state-not-sideways",
      severity: "error",
      comment: "state imports only the Sql client (for its Postgres store)",
      from: { path: "^lib/state/" },
      to: { path: "^lib/(x|browser|db|resilience)/", pathNot: "^lib/db/sql[.]ts$" },
    },
    {
      name: "state-sql-only-postgres",
      severity: "error",
      comment: "only the Postgres StateStore uses the Sql client",
      from: { path: "^lib/state/", pathNot: "^lib/state/postgres[.]ts$" },
      to: { path: "^lib/db/" },
    },
    {
      name: "resilience-not-sideways",
      severity: "error",
      comment: "resilience may import state's breaker types, nothing else of its layer",
      from: { path: "^lib/resilience/" },
      to: { path: "^lib/(x|browser|db)/" },
    },
    { name: "domain-no-upward", severity: "error", comment: "posting, content, learn, replies import only the layers below them", from: { path: DOMAIN }, to: { path: any(JOBS, RUNTIME, API, TOP) } },
    {
      name: "domain-no-sideways",
      severity: "error",
      comment: "posting, content, learn and replies do not import each other; replies screens mentions with content's text rules",
      from: { path: DOMAIN, pathNot: "^lib/replies/" },
      to: { path: DOMAIN, pathNot: "^lib/$1/" },
    },
    { name: "replies-only-content", severity: "error", comment: "replies may use content's text rules, not posting or learn", from: { path: "^lib/replies/" }, to: { path: "^lib/(posting|learn)/" } },
    { name: "jobs-no-upward", severity: "error", comment: "jobs import the domain and below, never runtime, api or the tools", from: { path: JOBS }, to: { path: any(RUNTIME, API, TOP) } },
    { name: "runtime-no-upward", severity: "error", comment: "runtime imports jobs and below, never api or the tools", from: { path: RUNTIME }, to: { path: any(API, TOP) } },
    {
      name: "deployed-path-no-tools",
      severity: "error",
      comment: "dev and cli are local tools: nothing deployed imports them",
      from: { path: any(API, RUNTIME, JOBS, DOMAIN, INFRA, BASE) },
      to: { path: "^lib/(dev|cli)/" },
    },
    { name: "dev-not-cli", severity: "error", comment: "cli sits above dev (it starts the local instance); dev does not import cli", from: { path: "^lib/dev/" }, to: { path: "^lib/cli/" } },
    { name: "lib-not-tests-or-bench", severity: "error", comment: "lib never imports tests or benchmarks", from: { path: "^lib/|^api/" }, to: { path: "^(tests|bench)/" } },
    {
      name: "no-circular",
      severity: "error",
      comment: "no runtime import cycles between modules (folder cycles are ruled out by the layer rules above; a cycle of type-only imports is not a load-order cycle)",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    { name: "not-to-unresolvable", severity: "error", comment: "an import that resolves to nothing is a typo or a missing dependency", from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^node_modules/" },
    reporterOptions: {
      dot: {
        collapsePattern: "^(lib/[^/]+|api|scripts|bin)/|^lib/[^/]+[.]ts$",
      },
    },
  },
};
