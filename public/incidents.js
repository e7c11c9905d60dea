// xbot dashboard: the incidents section (open first, each with its fix and its alert delivery
// status) and the info lines that are not problems. Text from the data is always set with
// textContent, never parsed as HTML.

import { el } from "./dom.js";

function since(when, now) {
  const t = typeof when === "string" ? Date.parse(when) : Number(when);
  if (!Number.isFinite(t)) return "-";
  const m = Math.round(Math.abs(now - t) / 60_000);
  const text = m < 1 ? "just now" : m < 60 ? `${m}m` : m < 2880 ? `${Math.round(m / 60)}h` : `${Math.round(m / 1440)}d`;
  return m < 1 ? text : `${text} ago`;
}

function delivery(incident, alerting) {
  if (!alerting?.configured) return el("span", { class: "meta" }, "alerts not configured (XBOT_ALERT_WEBHOOK_URL)");
  if (incident.deliveryError) return el("span", { class: "delivery bad" }, `alert delivery failed: ${incident.deliveryError} (retried next run)`);
  const sent = incident.alerts?.sent ?? 0;
  return el("span", { class: "delivery" }, sent > 0 ? `${sent} alert(s) sent, last ${since(incident.alerts.lastSentAt, Date.now())}` : "alert pending (next run)");
}

function card(incident, alerting, now) {
  const open = incident.resolvedAt === null;
  return el(
    "article",
    { class: `incident ${open ? incident.severity : "resolved"}`, dataset: { kind: incident.kind, subject: incident.subject, open: String(open) } },
    el(
      "div",
      { class: "incident-head" },
      el("span", { class: `badge ${open ? (incident.severity === "error" ? "failed" : "skipped") : "ok"}` }, open ? incident.severity : "resolved"),
      el("b", null, incident.kind.replace(/_/g, " ")),
      el("span", { class: "meta" }, `${incident.subject} · opened ${since(incident.openedAt, now)}${open ? "" : ` · resolved ${since(incident.resolvedAt, now)}`}`),
    ),
    el("p", { class: "incident-message" }, incident.message),
    open ? el("p", { class: "incident-fix" }, el("b", null, "Fix: "), incident.fix) : null,
    el("div", { class: "incident-foot" }, delivery(incident, alerting)),
  );
}

/** Renders the incidents card: open ones first, then those resolved in the last day. */
export function renderIncidents(box, health) {
  const report = health?.incidents;
  const now = Date.now();
  box.replaceChildren();
  if (!report) {
    box.append(el("div", { class: "empty" }, "Incidents could not be read."));
    return;
  }
  const open = report.open ?? [];
  const recent = report.recent ?? [];
  box.append(
    el(
      "div",
      { class: "card-head" },
      el("h2", null, open.length > 0 ? `Incidents (${open.length} open)` : "Incidents"),
      el("span", { class: "meta" }, report.alerting?.configured ? `alerts to ${report.alerting.targets.map((t) => `${t.host} (${t.format})`).join(", ")}` : "alerts not configured"),
    ),
  );
  if (open.length === 0) box.append(el("div", { class: "empty" }, "No open incident."));
  for (const incident of [...open, ...recent]) box.append(card(incident, report.alerting, now));
}

/** Info lines: what is fine as it is but worth knowing (no LLM key: the evergreen library). */
export function infoLines(status) {
  const lines = [];
  if (status?.llm?.configured === false) lines.push("No LLM key: posts come from the evergreen library (content/). Set XBOT_LLM_API_KEY to generate new ones.");
  return lines;
}

/** Whether an alert line only repeats an info line (the default no-LLM setup is not a warning). */
export function isInfoAlert(text) {
  return /llm not configured/i.test(text);
}
