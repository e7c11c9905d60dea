/**
 * Alert payloads: `json` (documented in docs/operations.md), Slack incoming webhooks and
 * Discord webhooks. The format comes from XBOT_ALERT_FORMAT, else from the URL's host:
 * hooks.slack.com is Slack, discord.com / discordapp.com /api/webhooks/ is Discord, anything
 * else gets json. Text is untrusted data: Slack's control characters (&, <, >) are escaped
 * (https://api.slack.com/reference/surfaces/formatting#escaping) and Discord mentions are
 * disabled (allowed_mentions.parse = []), so an incident message can never ping anyone.
 * Shapes: Slack incoming webhooks take `text` (the notification fallback when `blocks` is
 * set) and Block Kit `blocks` (https://api.slack.com/messaging/webhooks); Discord's Execute
 * Webhook takes `content` (<= 2000 chars), up to 10 `embeds` and `allowed_mentions`
 * (https://discord.com/developers/docs/resources/webhook#execute-webhook).
 */
import type { Incident } from "../db/incidents.js";

/** A payload format. */
export type AlertFormat = "json" | "slack" | "discord";
/** Why an alert is sent. */
export type AlertEvent = "opened" | "reminder" | "resolved" | "test";

/** The incident fields an alert carries. */
export type AlertIncident = Pick<Incident, "id" | "kind" | "subject" | "severity" | "message" | "fix" | "openedAt" | "resolvedAt" | "sourceRun" | "sourceItem">;

/** The format for a webhook URL: the configured one, else detected from the host. */
export function formatFor(url: string, configured: AlertFormat | undefined): AlertFormat {
  if (configured) return configured;
  const { hostname, pathname } = new URL(url);
  if (hostname === "hooks.slack.com") return "slack";
  if (/^(?:(?:ptb|canary)\.)?discord(?:app)?\.com$/.test(hostname) && pathname.startsWith("/api/webhooks/")) return "discord";
  return "json";
}

const TITLES: Record<AlertEvent, string> = { opened: "Incident opened", reminder: "Still open", resolved: "Resolved", test: "Test alert" };

/** One line of plain text for the alert; `account` names the account (`[xbot acme]`) when the deployment runs several. */
function alertLine(event: AlertEvent, incident: AlertIncident, account?: string): string {
  return `[xbot${account ? ` ${account}` : ""}] ${TITLES[event]}: ${incident.message}`;
}

/**
 * The JSON body of an alert in a format; `dashboard` is the dashboard URL when known. `named`:
 * the account is one of the accounts table's, so every text names it (the env's single account is not named).
 */
export function alertBody(format: AlertFormat, event: AlertEvent, incident: AlertIncident, context: { account: string; dashboard: string | null; named?: boolean }): unknown {
  const label = context.named ? context.account : undefined;
  if (format === "slack") return slackBody(event, incident, context.dashboard, label);
  if (format === "discord") return discordBody(event, incident, context.dashboard, label);
  return {
    event,
    text: alertLine(event, incident, label),
    account: context.account,
    dashboard: context.dashboard,
    incident: {
      id: incident.id,
      kind: incident.kind,
      subject: incident.subject,
      severity: incident.severity,
      message: incident.message,
      fix: incident.fix,
      openedAt: iso(incident.openedAt),
      resolvedAt: incident.resolvedAt ? iso(incident.resolvedAt) : null,
      sourceRun: incident.sourceRun,
      sourceItem: incident.sourceItem,
    },
  };
}

function iso(d: Date | string): string {
  return new Date(d).toISOString();
}

function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function slackBody(event: AlertEvent, incident: AlertIncident, dashboard: string | null, label: string | undefined): unknown {
  const lines = [`*${TITLES[event]}*${label ? ` [${slackEscape(label)}]` : ""} (${incident.severity}, ${incident.kind}): ${slackEscape(incident.message)}`];
  if (event !== "resolved") lines.push(`*Fix:* ${slackEscape(incident.fix)}`);
  lines.push(`Opened ${iso(incident.openedAt)}${incident.resolvedAt ? `, resolved ${iso(incident.resolvedAt)}` : ""}${dashboard ? ` · <${dashboard}|dashboard>` : ""}`);
  const text = lines.join("\n");
  return { text: slackEscape(alertLine(event, incident, label)), blocks: [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 3000) } }] };
}

const COLORS: Record<string, number> = { error: 0xd93025, warn: 0xf9ab00, info: 0x1a73e8, resolved: 0x188038 };

function discordBody(event: AlertEvent, incident: AlertIncident, dashboard: string | null, label: string | undefined): unknown {
  const fields = [
    { name: "Kind", value: `${incident.kind} (${incident.subject})`.slice(0, 1024), inline: true },
    { name: "Opened", value: iso(incident.openedAt), inline: true },
  ];
  if (incident.resolvedAt) fields.push({ name: "Resolved", value: iso(incident.resolvedAt), inline: true });
  if (event !== "resolved") fields.push({ name: "Fix", value: incident.fix.slice(0, 1024), inline: false });
  const embed = {
    title: `${TITLES[event]}: ${incident.kind}${label ? ` (${label})` : ""}`.slice(0, 256),
    description: incident.message.slice(0, 4000),
    color: COLORS[event === "resolved" ? "resolved" : incident.severity] ?? COLORS.info,
    fields,
    ...(dashboard ? { url: dashboard } : {}),
  };
  return { content: alertLine(event, incident, label).slice(0, 2000), embeds: [embed], allowed_mentions: { parse: [] } };
}
