// The dashboard's safety sections, from the `safety` field of /api/status: reply candidates
// that were skipped and why (target screening, a gate), and logged-in visits to X per job
// today against the daily cap, and the effective mode's banner on a preview. Rendered on app.js's "xbot:status" event.
import { el, when } from "./dom.js";

function renderSkipped(replyCandidates) {
  const box = document.getElementById("skipped-candidates");
  if (!box) return;
  const skipped = Array.isArray(replyCandidates?.skipped) ? replyCandidates.skipped : [];
  const counts = replyCandidates?.counts ?? {};
  const chips = el(
    "div",
    { class: "chips" },
    ["new", "queued", "skipped"].map((s) => el("span", { class: "chip", dataset: { status: s } }, `${s} `, el("b", null, String(counts[s] ?? 0)))),
  );
  if (skipped.length === 0) return box.replaceChildren(chips, el("div", { class: "empty" }, "No reply candidate was skipped in the last two days."));
  const rows = skipped.map((c) =>
    el(
      "tr",
      { dataset: { tweet: c.tweetId } },
      el("td", { class: "mono" }, when(c.createdAt)),
      el("td", {}, `@${c.author}`),
      el("td", { class: "text" }, c.text),
      el("td", { class: "reason" }, c.reason ?? "-"),
    ),
  );
  box.replaceChildren(
    chips,
    el(
      "table",
      {},
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ["when", "author", "text", "why skipped"].map((h) => el("th", {}, h)),
        ),
      ),
      el("tbody", {}, rows),
    ),
  );
}

function renderVisits(visits) {
  const box = document.getElementById("visits");
  if (!box) return;
  if (!visits || typeof visits !== "object" || !visits.byJob) return box.replaceChildren(el("div", { class: "empty" }, "No visit count from this deployment."));
  const jobs = Object.entries(visits.byJob);
  const head = el(
    "div",
    { class: "meta visits-total" },
    `${visits.total} of ${visits.cap} logged-in page loads today (UTC)${visits.total >= visits.cap ? " · budget spent: X work is skipped until tomorrow" : ""}`,
  );
  const rows = jobs.map(([job, n]) => el("tr", { dataset: { job } }, el("td", {}, job), el("td", { class: "num" }, String(n))));
  box.replaceChildren(
    head,
    jobs.length
      ? el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "job"), el("th", { class: "num" }, "page loads"))), el("tbody", {}, rows))
      : el("div", { class: "empty" }, "No visit to X today."),
  );
}

function renderModeBanner(account) {
  const banner = document.getElementById("mode-banner");
  if (!banner) return;
  const mode = typeof account?.mode === "string" ? account.mode : "";
  banner.hidden = !mode.endsWith("(preview)");
  banner.textContent = banner.hidden
    ? ""
    : `Effective mode: ${mode}. This preview deployment never acts on X (configured: ${account.configuredMode ?? "?"}; XBOT_ALLOW_PREVIEW_LIVE=true changes that).`;
}

window.addEventListener("xbot:status", (event) => {
  renderModeBanner(event.detail?.account);
  const safety = event.detail?.safety;
  renderSkipped(safety?.replyCandidates);
  renderVisits(safety?.visits);
});
