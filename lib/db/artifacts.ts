/**
 * Failure artifacts (screenshot + trimmed HTML) in the database, so they survive the
 * invocation and are readable from the dashboard wherever the job ran (Vercel's file system
 * is read-only and per-instance). Sizes are capped by lib/browser before they get here.
 */
import { randomBytes } from "node:crypto";
import type { Artifact, ArtifactSink } from "../browser/index.js";
import type { Sql } from "./sql.js";

/** A stored artifact. */
export interface StoredArtifact {
  readonly id: string;
  readonly operation: string;
  readonly url: string | null;
  readonly error: string | null;
  readonly screenshot: Buffer | null;
  readonly html: string | null;
  readonly createdAt: Date;
}

/** An ArtifactSink writing to the artifacts table. */
export function dbArtifactSink(sql: Sql, runId?: string): ArtifactSink {
  return {
    async save(artifact: Artifact): Promise<string> {
      const id = `art_${Date.now().toString(36)}_${randomBytes(5).toString("hex")}`;
      await sql.query("INSERT INTO artifacts (id, run_id, operation, url, error, screenshot, html) VALUES ($1, $2, $3, $4, $5, decode($6, 'hex'), $7)", [
        id,
        runId ?? null,
        artifact.operation,
        artifact.url ?? null,
        JSON.stringify(artifact.error.toJSON()),
        artifact.screenshot?.toString("hex") ?? null,
        artifact.html ?? null,
      ]);
      return id;
    },
  };
}

/** Reads one artifact, or null. */
export async function loadArtifact(sql: Sql, id: string): Promise<StoredArtifact | null> {
  const rows = await sql.query<Omit<StoredArtifact, "screenshot"> & { screenshot: string | null }>(
    `SELECT id, operation, url, error, encode(screenshot, 'base64') AS screenshot, html, created_at AS "createdAt" FROM artifacts WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  return row ? { ...row, screenshot: row.screenshot ? Buffer.from(row.screenshot, "base64") : null } : null;
}
