/** `xbot alerts test` (a test alert to every webhook) and the incidents block of `xbot status`. */
import { alertTargets, sendAlert } from "../runtime/alert-delivery.js";
import type { IncidentReport } from "../runtime/incident-report.js";
import { withRuntime, type CliContext } from "./context.js";
import { ago, CliFailure, EXIT, toJson, UsageError, type ExitCode } from "./io.js";

/** `xbot alerts test`: sends a test alert to each XBOT_ALERT_WEBHOOK_URL; exit 1 when one fails. */
export async function alertsCommand(ctx: CliContext, action: string | undefined): Promise<ExitCode> {
  if (action !== "test") throw new UsageError("usage: xbot alerts test");
  return withRuntime(ctx, false, async ({ config }) => {
    const targets = alertTargets(config);
    if (targets.length === 0) throw new CliFailure("no alert webhook configured", "set XBOT_ALERT_WEBHOOK_URL (one or more URLs, comma-separated); see docs/operations.md");
    const now = new Date();
    const incident = {
      id: "test",
      kind: "test",
      subject: "alerts",
      severity: "info" as const,
      message: "a test alert from xbot alerts test: delivery works",
      fix: "nothing to do",
      openedAt: now,
      resolvedAt: null,
      sourceRun: null,
      sourceItem: null,
    };
    const results = await Promise.all(targets.map(async (t) => ({ host: t.host, format: t.format, error: await sendAlert(config, t, "test", incident) })));
    if (ctx.json) ctx.io.out(toJson({ results }));
    else for (const r of results) ctx.io.out(`${r.error ? "FAIL" : "ok  "}  ${r.host} (${r.format})${r.error ? `: ${r.error}` : ""}`);
    return results.some((r) => r.error) ? EXIT.failure : EXIT.ok;
  });
}

/** The lines of `xbot status` about incidents: open ones with their fix, and the alert delivery. */
export function incidentLines(report: IncidentReport | null, nowMs: number): string[] {
  if (!report) return ["incidents could not be read (database error)"];
  const lines = [
    `incidents ${report.open.length} open${report.stuckClaims > 0 ? `, ${report.stuckClaims} stuck claim(s)` : ""}; alerts ${report.alerting.configured ? report.alerting.targets.map((t) => `${t.host} (${t.format})`).join(", ") : "not configured (XBOT_ALERT_WEBHOOK_URL)"}`,
  ];
  for (const i of report.open) {
    lines.push(`  ${i.severity.toUpperCase()} ${i.kind} ${i.subject}: ${i.message} (opened ${ago(nowMs - new Date(i.openedAt).getTime())})`);
    lines.push(`    fix: ${i.fix}`);
    if (i.deliveryError) lines.push(`    alert delivery failed: ${i.deliveryError}`);
  }
  return lines;
}
