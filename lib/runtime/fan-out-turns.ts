/**
 * The fan-out without QStash: one function runs the tick's accounts in turn, inside its own
 * time budget. Oldest-served first (never served first, then by id), so an account this tick
 * could not reach goes first next tick. A run starts only when the time left covers the
 * longest run of this tick so far (the first always starts), and every run is cut at
 * the budget's end (its deadline is capped), so the function ends within maxDuration however
 * slow one account is. Takes its inputs explicitly: the caller (fan-out.ts) reads the
 * accounts and runs and records them.
 */
import type { RunResult } from "./runner.js";

/** An account to serve, and when the job last served it (null: never). */
export interface TurnAccount {
  readonly id: string;
  readonly lastServedAt: Date | null;
}

/** What the loop is given. */
export interface TurnInput {
  readonly accounts: readonly TurnAccount[];
  /** Runs the job for one account; its run must end by `deadlineAt`. */
  readonly runOne: (account: string, deadlineAt: number) => Promise<RunResult>;
  /** Records an account the budget did not reach (a `skipped: time budget` job_runs row). */
  readonly skip: (account: string) => Promise<void>;
  readonly now: () => number;
  /** When the last run must have ended. */
  readonly deadlineAt: number;
}

/** What the loop did, per account, in serving order. */
export interface TurnOutcome {
  readonly ran: readonly { readonly account: string; readonly result?: RunResult; readonly error?: string }[];
  readonly unreached: readonly string[];
}

/** The serving order: never served first, then the longest unserved, ties by id. */
export function servingOrder(accounts: readonly TurnAccount[]): string[] {
  const at = (a: TurnAccount) => a.lastServedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return [...accounts].sort((a, b) => at(a) - at(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((a) => a.id);
}

/** Runs the accounts in turn until the budget cannot hold another run; records the rest as skipped. */
export async function runInTurn(input: TurnInput): Promise<TurnOutcome> {
  const order = servingOrder(input.accounts);
  const ran: { account: string; result?: RunResult; error?: string }[] = [];
  let longest = 0;
  let next = 0;
  for (; next < order.length; next++) {
    const startedAt = input.now();
    if (startedAt + longest > input.deadlineAt || startedAt >= input.deadlineAt) break;
    const account = order[next]!;
    try {
      ran.push({ account, result: await input.runOne(account, input.deadlineAt) });
    } catch (error) {
      // An account removed since the list was read, or a run that could not start: the others still run.
      ran.push({ account, error: error instanceof Error ? error.message : String(error) });
    }
    longest = Math.max(longest, input.now() - startedAt);
  }
  const unreached = order.slice(next);
  for (const account of unreached) await input.skip(account);
  return { ran, unreached };
}
