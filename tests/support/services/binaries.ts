/**
 * Finding the service binaries: the Debian `postgresql` binaries and `redis-server`.
 */
import { accessSync, constants as fsConstants, existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Absolute path of `binary` on PATH (or in the usual sbin dirs), or null. */
export function which(binary: string): string | null {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const extra of ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]) {
    if (!dirs.includes(extra)) dirs.push(extra);
  }
  for (const dir of dirs) {
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The newest /usr/lib/postgresql/<version>/bin that has initdb, pg_ctl and postgres; else a dir on PATH that has them; else null. */
export function findPostgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  const need = ["initdb", "pg_ctl", "postgres"];
  const has = (dir: string) => need.every((b) => existsSync(path.join(dir, b)));
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    for (const v of versions) {
      const dir = path.join(root, v, "bin");
      if (has(dir)) return dir;
    }
  }
  const initdb = which("initdb");
  if (initdb && has(path.dirname(initdb))) return path.dirname(initdb);
  return null;
}

/** A service binary that is missing, with the Debian package and install command that provide it. */
export interface MissingBinary {
  service: "postgres" | "redis";
  binary: string;
  debianPackage: string;
  hint: string;
}

/** Which service binaries are missing, with the Debian package that provides them. */
export function missingBinaries(): MissingBinary[] {
  const missing: MissingBinary[] = [];
  if (!findPostgresBinDir()) {
    missing.push({
      service: "postgres",
      binary: "initdb/pg_ctl/postgres",
      debianPackage: "postgresql",
      hint: "apt-get install -y postgresql",
    });
  }
  if (!which("redis-server")) {
    missing.push({
      service: "redis",
      binary: "redis-server",
      debianPackage: "redis-server",
      hint: "apt-get install -y redis-server",
    });
  }
  return missing;
}
