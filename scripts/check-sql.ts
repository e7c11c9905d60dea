/**
 * The SQL rule as a grep (npm run lint, CI): SQL is written only in lib/db and in the Postgres
 * StateStore (lib/state/postgres.ts). Anywhere else under lib/, api/ and scripts/, a statement
 * keyword in the code or a direct `sql.query` / `sql.transaction` call fails the check with its
 * file and line. Migrations and functions (.sql files) live in lib/db as well.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOTS = ["lib", "api", "scripts"];
const ALLOWED = [/^lib\/db\//, /^lib\/state\/postgres\.ts$/];
const SQL = /\b(SELECT\s+[\w*(]|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+[a-z_]+\s+SET|CREATE\s+(TABLE|INDEX|OR\s+REPLACE)|ALTER\s+TABLE|ON\s+CONFLICT|\.query(<[^>]*>)?\(|\.transaction\(\s*\[)/;

/** Every .ts/.mjs/.js/.sql file under `dir`, as a path relative to the repository. */
function filesUnder(dir: string, base: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : filesUnder(path, base);
    return /\.(ts|mjs|js|sql)$/.test(name) ? [relative(base, path)] : [];
  });
}

/** The lines of `text` that hold SQL, ignoring comment lines. */
function sqlLines(text: string): number[] {
  return text.split("\n").flatMap((line, i) => (!/^\s*(\/\/|\*|\/\*)/.test(line) && SQL.test(line) ? [i + 1] : []));
}

const root = process.cwd();
const offenders = ROOTS.flatMap((dir) => filesUnder(join(root, dir), root))
  .filter((file) => file !== "scripts/check-sql.ts" && !ALLOWED.some((re) => re.test(file)))
  .flatMap((file) => sqlLines(readFileSync(join(root, file), "utf8")).map((line) => `${file}:${line}`));

if (offenders.length > 0) {
  process.stderr.write(`SQL outside lib/db and lib/state/postgres.ts (move it into a lib/db module):\n${offenders.map((o) => `  ${o}`).join("\n")}\n`);
  process.exit(1);
}
process.stdout.write("check-sql: no SQL outside lib/db and lib/state/postgres.ts\n");
