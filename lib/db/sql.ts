/**
 * The `Sql` port and its one factory over `neon()` from @neondatabase/serverless.
 * Every query goes over Neon's HTTP protocol. Where it is sent is decided per client:
 * Neon itself (DATABASE_URL), a Neon-compatible HTTP endpoint in front of any Postgres
 * (XBOT_NEON_HTTP_URL), or embedded PGlite in this process (no DATABASE_URL).
 */
import { neon, neonConfig } from "@neondatabase/serverless";
import { XbotError } from "../errors.js";
import { mapDbError } from "./errors.js";
import { lazyUntilRejected } from "../promise-cache.js";

/**
 * The embedded database's route, imported only when a client has no DATABASE_URL: deployed
 * functions never load it, and vercel.json excludes it (and PGlite) from every bundle.
 */
const loadPglite = lazyUntilRejected(() => import("./pglite-fetch.js"));

function embeddedRoute(dataDir: string): RoutedFetch {
  let route: Promise<RoutedFetch> | undefined;
  return async (url, init) => {
    route ??= loadPglite().then((m) => m.pgliteFetch(dataDir));
    return (await route)(url, init);
  };
}

/** One parameterised statement. */
export interface SqlStatement {
  readonly text: string;
  readonly params?: readonly unknown[];
}

/** Options of a non-interactive transaction. */
export interface TransactionOptions {
  readonly isolationLevel?: "ReadCommitted" | "RepeatableRead" | "Serializable";
  readonly readOnly?: boolean;
}

/** The narrow database port every query module takes. */
export interface Sql {
  /** Where queries go: "neon" over HTTP, or "pglite" in-process. */
  readonly kind: "neon" | "pglite";
  /** Runs one statement; rows come back as objects. Errors are XbotErrors (see mapDbError). */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs statements in ONE transaction and one round trip; all or nothing. */
  transaction(statements: readonly SqlStatement[], options?: TransactionOptions): Promise<Record<string, unknown>[][]>;
}

/** Where the database is. */
export interface SqlOptions {
  /** postgres:// URL; absent means embedded PGlite under `dataDir`. */
  readonly databaseUrl?: string | undefined;
  /** A Neon-compatible HTTP endpoint to send queries to instead of Neon's. */
  readonly httpEndpoint?: string | undefined;
  /** Directory of the embedded database. */
  readonly dataDir: string;
}

type RoutedFetch = (url: string, init: RequestInit) => Promise<Response>;
interface RoutedInit extends RequestInit {
  xbotFetch?: RoutedFetch;
}

/** The driver's fetch hook is process-global; it defers to the route each client carries. */
function installFetchDispatcher(): void {
  if ((neonConfig.fetchFunction as { xbot?: true } | undefined)?.xbot) return;
  const dispatcher = (url: string, init: RoutedInit) => (init.xbotFetch ? init.xbotFetch(url, init) : fetch(url, init));
  neonConfig.fetchFunction = Object.assign(dispatcher, { xbot: true as const });
}

const EMBEDDED_URL = "postgres://xbot@pglite.localhost/xbot";

/**
 * The row of a statement that always yields one (INSERT … RETURNING without a conflict clause,
 * a SELECT of aggregates). No row is a broken contract: XbotError("internal") naming `what`.
 */
export function oneRow<Row>(rows: readonly Row[], what: string): Row {
  const [row] = rows;
  if (row === undefined) throw new XbotError("internal", `${what} returned no row`);
  return row;
}

/** Creates a Sql client. No connection is opened until the first query. */
export function createSql(options: SqlOptions): Sql {
  installFetchDispatcher();
  const embedded = !options.databaseUrl;
  const { httpEndpoint } = options;
  const route: RoutedFetch | undefined = embedded ? embeddedRoute(options.dataDir) : httpEndpoint ? (_url, init) => fetch(httpEndpoint, init) : undefined;
  const fetchOptions = route ? { xbotFetch: route } : undefined;
  const client = neon(options.databaseUrl ?? EMBEDDED_URL, { fetchOptions, fullResults: false });
  return {
    kind: embedded ? "pglite" : "neon",
    async query<Row>(text: string, params: readonly unknown[] = []) {
      try {
        return (await client.query(text, [...params])) as Row[];
      } catch (error) {
        throw mapDbError(error);
      }
    },
    async transaction(statements, txOptions) {
      try {
        const queries = statements.map((s) => client.query(s.text, [...(s.params ?? [])]));
        return (await client.transaction(queries, txOptions)) as Record<string, unknown>[][];
      } catch (error) {
        throw mapDbError(error);
      }
    },
  };
}
