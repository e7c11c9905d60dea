/**
 * `npm start`: xbot on this machine with zero configuration. Loads the config (a bad one
 * exits 1 with one message naming every bad variable, no stack trace), migrates the
 * database, and reports where everything is.
 */
import { ConfigError, loadConfig } from "../config.js";
import { migrate } from "../db/migrate.js";
import { createClients } from "../runtime/clients.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const { sql, state } = createClients(config);
  const migrated = await migrate(sql);
  await state.ping();
  const where = config.DATABASE_URL ? "Postgres (DATABASE_URL)" : `embedded PGlite in ${config.XBOT_DATA_DIR}/db`;
  console.log(`xbot: database ${where}, ${migrated.applied.length} migration(s) applied; state in ${config.stateBackend}.`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(`xbot: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
