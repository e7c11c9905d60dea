/**
 * What posting and reconciliation use of a run: the database, the clock, the log, the mode,
 * the deadline and the fault checkpoints. A job's JobContext (lib/jobs/context.ts) satisfies it,
 * so posting needs nothing from the jobs layer above it.
 */
import type { Config } from "../config.js";
import type { Sql } from "../db/sql.js";
import type { Logger } from "../log.js";

/** The run's mode as posting sees it: live posts, dry records without posting, shadow never reads X. */
export type PostingMode = "live" | "dry" | "shadow";

/** The part of a job's context the posting protocol and reconciliation use. */
export interface PostingContext {
  readonly runId: string;
  readonly mode: PostingMode;
  readonly config: Config;
  readonly db: Sql;
  readonly log: Logger;
  readonly clock: { now(): number };
  readonly signal: AbortSignal;
  /** Epoch ms by which the run must be done. */
  readonly deadlineAt: number;
  /** A fault-injection point (tests); resolves at once otherwise. */
  checkpoint(point: string): Promise<void>;
}
