/**
 * Publishes a fan-out with the real `@upstash/qstash` Client: `batchJSON`, one request per
 * {@link BATCH_CHUNK} messages (our bound: the docs give none by count, every request body is
 * size-limited). QStash answers each message with its id, and `deduplicated: true` for one
 * whose deduplicationId it has seen within its window (10 minutes,
 * https://upstash.com/docs/qstash/features/deduplication): that account's run of this tick
 * was published already, by a duplicate tick, and is not enqueued again.
 */
import type { Config } from "../config.js";
import { lazyUntilRejected } from "../promise-cache.js";
import type { FanOutMessage } from "./fan-out-plan.js";

/** The SDK, imported on the first fan-out (a run of one account never loads it). */
const loadQStash = lazyUntilRejected(() => import("@upstash/qstash"));

/** Messages per batch request. */
export const BATCH_CHUNK = 100;

/** What QStash did with a fan-out. */
export interface PublishOutcome {
  /** Accounts whose message was enqueued now. */
  readonly published: readonly string[];
  /** Accounts whose message of this tick was enqueued before (a duplicate tick). */
  readonly deduplicated: readonly string[];
  /** Accounts QStash refused, with its message. */
  readonly refused: readonly { readonly account: string; readonly error: string }[];
}

/** True when this deployment can publish and verify QStash messages. */
export function qstashConfigured(config: Config): boolean {
  return Boolean(config.QSTASH_TOKEN && config.QSTASH_CURRENT_SIGNING_KEY && config.QSTASH_NEXT_SIGNING_KEY);
}

/** Publishes the messages; `unreachable` names why when a batch request failed (the chunks before it are published). */
export async function publishFanOut(config: Config, messages: readonly FanOutMessage[]): Promise<PublishOutcome & { readonly unreachable?: string }> {
  const { Client } = await loadQStash();
  const client = new Client({ token: config.QSTASH_TOKEN!, ...(config.QSTASH_URL ? { baseUrl: config.QSTASH_URL } : {}) });
  const outcome = { published: [] as string[], deduplicated: [] as string[], refused: [] as { account: string; error: string }[] };
  for (let i = 0; i < messages.length; i += BATCH_CHUNK) {
    const chunk = messages.slice(i, i + BATCH_CHUNK);
    let answers: unknown[];
    try {
      answers = await client.batchJSON(chunk.map((m) => ({ ...m, body: { ...m.body }, ...(m.flowControl ? { flowControl: { ...m.flowControl } } : {}) })));
    } catch (error) {
      // A duplicate tick republishes the same deduplication ids: what did reach QStash is not enqueued twice.
      return { ...outcome, unreachable: `QStash refused or did not answer the fan-out batch: ${error instanceof Error ? error.message : String(error)}` };
    }
    chunk.forEach((m, j) => {
      const answer = (answers[j] ?? {}) as { messageId?: unknown; deduplicated?: unknown; error?: unknown };
      if (typeof answer.messageId !== "string") outcome.refused.push({ account: m.body.account, error: String(answer.error ?? "no message id in QStash's answer") });
      else (answer.deduplicated === true ? outcome.deduplicated : outcome.published).push(m.body.account);
    });
  }
  return outcome;
}
