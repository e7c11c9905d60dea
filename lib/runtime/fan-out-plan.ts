/**
 * What one tick of a job fans out to: the tick's slot, and with QStash one message per active
 * account. Pure: no client, no I/O (fan-out-publish.ts publishes, fan-out.ts decides).
 *
 * Flow control (@upstash/qstash 2.12.0: `flowControl?: { key, parallelism?, rate?, period? }`,
 * ONE key per message, sent as Upstash-Flow-Control-Key/-Value;
 * https://upstash.com/docs/qstash/features/flowcontrol: limits apply per key, a call is
 * "active" until its response is in, over-limit messages wait, never fail):
 * - a job that acts on X: key `<prefix>-x-<account>`, parallelism 1, shared by every X job of
 *   that account, so at most one X run per account at any time (X links one session's activity);
 * - a job that opens a browser without acting on X (heal): key `<prefix>-browser`, parallelism
 *   XBOT_BROWSER_SLOTS;
 * - others (plan, learn): none; the job lock per job and account still holds.
 * X jobs are browser-heavy too, but a message carries one key, and per account is the one whose
 * breach X punishes. Their global browser bound stays the browser-slot lease at admission.
 */
import { Cron } from "croner";
import type { Config } from "../config.js";
import { opensBrowser, type JobSpec } from "../jobs/job.js";

/** One message of a fan-out, in the shape `Client.batchJSON` takes. */
export interface FanOutMessage {
  readonly url: string;
  readonly body: { readonly account: string };
  readonly deduplicationId: string;
  readonly flowControl?: { readonly key: string; readonly parallelism: number };
  /** QStash retries a failed delivery this often (a retryable failure answers 503). */
  readonly retries: number;
}

/** Retries of a fan-out delivery: a few, the next tick comes anyway. */
export const FAN_OUT_RETRIES = 2;

/**
 * The schedule's slot a tick belongs to: its latest firing at or before `nowMs` (UTC). Every
 * duplicate of one cron firing (late, retried, doubled) lands in the same slot.
 */
export function tickSlot(schedule: string, nowMs: number): Date {
  const cron = new Cron(schedule, { timezone: "UTC", paused: true });
  const slot = cron.previousRuns(1, new Date(nowMs + 1))[0];
  cron.stop();
  return slot ?? new Date(nowMs - (nowMs % 60_000));
}

/** The compact form of a slot in ids: `20261202T1205Z`. */
export function slotId(slot: Date): string {
  return `${slot.toISOString().slice(0, 16).replace(/[-:]/g, "")}Z`;
}

/** The once-only id of one account's run of one tick: QStash's deduplicationId and the in-function delivery id. */
export function fanOutId(config: Pick<Config, "XBOT_PREFIX">, job: string, account: string, slot: Date): string {
  return `${config.XBOT_PREFIX}.${job}.${account}.${slotId(slot)}`;
}

/** The flow-control setting of a job's message for `account` (see the module comment). */
export function flowControlFor(job: JobSpec, account: string, config: Pick<Config, "XBOT_PREFIX" | "XBOT_BROWSER_SLOTS">): FanOutMessage["flowControl"] {
  if (job.needs.includes("x")) return { key: `${config.XBOT_PREFIX}-x-${account}`, parallelism: 1 };
  if (opensBrowser(job)) return { key: `${config.XBOT_PREFIX}-browser`, parallelism: config.XBOT_BROWSER_SLOTS };
  return undefined;
}

/** The batch of one tick: one message per account to the job's own route (`url`), the account in the signed body. */
export function fanOutMessages(input: { job: JobSpec; accounts: readonly string[]; slot: Date; url: string; config: Pick<Config, "XBOT_PREFIX" | "XBOT_BROWSER_SLOTS"> }): FanOutMessage[] {
  return input.accounts.map((account) => {
    const flowControl = flowControlFor(input.job, account, input.config);
    return {
      url: input.url,
      body: { account },
      deduplicationId: fanOutId(input.config, input.job.name, account, input.slot),
      ...(flowControl ? { flowControl } : {}),
      retries: FAN_OUT_RETRIES,
    };
  });
}
