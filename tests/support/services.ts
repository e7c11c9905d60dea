/**
 * Throwaway local services for tests: a real Postgres (from the Debian
 * `postgresql` binaries) and a real Redis (`redis-server`), each on a free
 * 127.0.0.1 port with its own temporary directory.
 *
 * Everything here only ever binds or connects to 127.0.0.1.
 *
 * The code lives in ./services/; this file re-exports what tests and benchmarks import.
 */
export { findPostgresBinDir, missingBinaries, which, type MissingBinary } from "./services/binaries.js";
export { startPostgres, type PostgresServer, type StartPostgresOptions } from "./services/postgres.js";
export { freePort, isProcessAlive, LOOPBACK, waitForExit } from "./services/processes.js";
export { restartRedis, startRedis, stopRedis, type RedisServer, type StartRedisOptions } from "./services/redis.js";
