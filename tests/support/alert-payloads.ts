/**
 * Alert payload checks for tests: each body the webhook receiver records is validated as a
 * payload of its format (our documented json, a Slack incoming webhook with `text` and Block
 * Kit `blocks`, a Discord Execute Webhook with `content`, `embeds` and no mentions) and read
 * back as { event, kind, subject }. An invalid body throws, so a test can never pass on one.
 */
import { z } from "zod";
import type { AlertFormat } from "../../lib/runtime/alert-format.js";
import type { WebhookReceiver } from "./webhook-receiver.js";

/** The three formats, for describe.each / per-URL targets. */
export const FORMATS: readonly AlertFormat[] = ["json", "slack", "discord"];

const EVENTS = { "Incident opened": "opened", "Still open": "reminder", Resolved: "resolved", "Test alert": "test" } as const;
type Title = keyof typeof EVENTS;

const json = z
  .object({
    event: z.enum(["opened", "reminder", "resolved", "test"]),
    text: z.string().startsWith("[xbot] "),
    account: z.string(),
    dashboard: z.string().nullable(),
    incident: z
      .object({
        id: z.string(),
        kind: z.string(),
        subject: z.string(),
        severity: z.string(),
        message: z.string(),
        fix: z.string(),
        openedAt: z.iso.datetime(),
        resolvedAt: z.iso.datetime().nullable(),
        sourceRun: z.string().nullable(),
        sourceItem: z.string().nullable(),
      })
      .strict(),
  })
  .strict();
const slack = z
  .object({
    text: z.string().min(1).max(40_000),
    blocks: z
      .array(z.object({ type: z.literal("section"), text: z.object({ type: z.literal("mrkdwn"), text: z.string().min(1).max(3000) }) }))
      .min(1)
      .max(50),
  })
  .strict();
const discord = z
  .object({
    content: z.string().min(1).max(2000),
    embeds: z
      .array(
        z
          .object({
            title: z.string().max(256),
            description: z.string().max(4096),
            color: z.number().int(),
            url: z.string().optional(),
            fields: z.array(z.object({ name: z.string().max(256), value: z.string().max(1024), inline: z.boolean() })).max(25),
          })
          .strict(),
      )
      .min(1)
      .max(10),
    allowed_mentions: z.object({ parse: z.array(z.string()).length(0) }),
  })
  .strict();

/** One alert read back. Slack's body carries no subject (null). */
export interface ReadAlert {
  readonly event: string;
  readonly kind: string;
  readonly subject: string | null;
}

/** Validates `body` as a payload of `format` and reads it back; throws when it is not one. */
export function readAlert(format: AlertFormat, body: unknown): ReadAlert {
  if (format === "json") {
    const b = json.parse(body);
    return { event: b.event, kind: b.incident.kind, subject: b.incident.subject };
  }
  if (format === "slack") {
    const b = slack.parse(body);
    const m = /^\*(Incident opened|Still open|Resolved|Test alert)\* \([a-z]+, ([a-z_]+)\): /.exec(b.blocks[0]!.text.text);
    if (!m) throw new Error(`slack block does not name the event and kind: ${b.blocks[0]!.text.text}`);
    return { event: EVENTS[m[1] as Title], kind: m[2]!, subject: null };
  }
  const b = discord.parse(body);
  const title = /^(Incident opened|Still open|Resolved|Test alert): ([a-z_]+)$/.exec(b.embeds[0]!.title);
  const kindField = b.embeds[0]!.fields.find((f) => f.name === "Kind")?.value ?? "";
  const subject = /^[a-z_]+ \((.*)\)$/.exec(kindField)?.[1] ?? null;
  if (!title) throw new Error(`discord embed title does not name the event and kind: ${b.embeds[0]!.title}`);
  return { event: EVENTS[title[1] as Title], kind: title[2]!, subject };
}

/** The webhook URLs for one scenario: one per format, each on its own path, comma-joined. */
export function formatUrls(receiver: WebhookReceiver, path: string): string {
  return FORMATS.map((f) => `${receiver.url}${path}/${f}#format=${f}`).join(",");
}

/** The events of `kind` (and `subject`, where the format carries it) received per format on `path`. */
export function eventsByFormat(receiver: WebhookReceiver, path: string, kind: string, subject?: string): Record<AlertFormat, string[]> {
  const out = {} as Record<AlertFormat, string[]>;
  for (const f of FORMATS) {
    out[f] = receiver.received
      .filter((r) => r.path === `${path}/${f}`)
      .map((r) => readAlert(f, r.body))
      .filter((a) => a.kind === kind && (subject === undefined || a.subject === null || a.subject === subject))
      .map((a) => a.event);
  }
  return out;
}

/** The same events in every format: what a test expects of one incident. */
export function inEveryFormat(events: string[]): Record<AlertFormat, string[]> {
  return { json: events, slack: events, discord: events };
}
