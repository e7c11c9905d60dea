// The review queue on the dashboard: what waits for a person (XBOT_REVIEW, or a failed or
// unsafe safety check), in full (a thread tweet by tweet), with its gate verdicts and
// source. Approve, edit (re-gated by the server on save) and reject (with a reason) call
// POST /api/review, recorded as "api:dashboard". Refreshed whenever app.js loads the status.
import { adminToken, el, when } from "./dom.js";

const box = () => document.getElementById("review");

async function call(body) {
  const response = await fetch("/api/review", {
    method: body ? "POST" : "GET",
    headers: { authorization: `Bearer ${adminToken()}`, "content-type": "application/json", accept: "application/json" },
    cache: "no-store",
    ...(body ? { body: JSON.stringify({ ...body, actor: "dashboard" }) } : {}),
  });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

function checksText(checks) {
  if (!checks || typeof checks !== "object") return "no checks recorded";
  const safety = checks.safety;
  const verdict = typeof safety === "object" && safety ? `safety ${safety.verdict}: ${safety.reason} ($${Number(safety.costUsd ?? 0).toFixed(5)})` : `safety ${safety ?? "-"}`;
  return `rules ${checks.rules ?? "-"} · ${verdict}`;
}

function originText(item) {
  const target = item.origin?.target;
  if (target) return `reply to @${target.author}: “${target.text}”`;
  return `${item.source}${item.origin?.topic ? ` · topic ${item.origin.topic}` : ""}`;
}

function actions(item, reload) {
  const message = el("span", { class: "meta review-message", role: "status" });
  const run = async (body) => {
    const { status, body: out } = await call(body);
    if (status === 200) return reload(`#${item.id} ${{ approve: "approved", reject: "rejected", edit: "saved (still waiting for review)" }[body.action]}`);
    message.textContent = out.message ?? `HTTP ${status}`;
  };
  const editors = item.tweets.map((t) => el("textarea", { class: "review-edit", rows: 3, "aria-label": "tweet text" }, t));
  const editBox = el(
    "div",
    { class: "review-editor", hidden: true },
    editors,
    el("button", { type: "button", class: "save", onclick: () => run({ action: "edit", id: item.id, tweets: editors.map((e) => e.value) }) }, "Save"),
  );
  const reason = el("input", { class: "review-reason", placeholder: "reason (needed to reject)", "aria-label": "reason" });
  return el(
    "div",
    { class: "inline review-actions" },
    el("button", { type: "button", class: "approve", onclick: () => run({ action: "approve", id: item.id, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) }) }, "Approve"),
    el(
      "button",
      {
        type: "button",
        class: "ghost edit",
        onclick: () => {
          editBox.hidden = !editBox.hidden;
        },
      },
      "Edit",
    ),
    reason,
    el(
      "button",
      {
        type: "button",
        class: "ghost reject",
        onclick: () => {
          if (reason.value.trim()) run({ action: "reject", id: item.id, reason: reason.value.trim() });
          else message.textContent = "say why you reject it";
        },
      },
      "Reject",
    ),
    message,
    editBox,
  );
}

function renderItem(item, reload) {
  return el(
    "article",
    { class: "review-item", dataset: { id: item.id } },
    el("div", { class: "meta" }, `#${item.id} · ${item.kind} · held: ${item.reason ?? "-"} · expires ${when(item.reviewUntil)}`),
    el(
      "ol",
      { class: "review-tweets" },
      item.tweets.map((t) => el("li", {}, t)),
    ),
    el("div", { class: "meta review-checks" }, checksText(item.checks)),
    el("div", { class: "meta review-origin" }, originText(item)),
    actions(item, reload),
  );
}

/** Loads and renders the review queue; `note` is shown above it (the last decision). */
export async function loadReview(note = "") {
  const target = box();
  if (!target || !adminToken()) return;
  const { status, body } = await call(null).catch(() => ({ status: 0, body: {} }));
  if (status !== 200) return target.replaceChildren(el("div", { class: "empty" }, `/api/review answered ${status}`));
  const items = Array.isArray(body.items) ? body.items : [];
  document.getElementById("review-mode").textContent = `XBOT_REVIEW=${body.mode} · expires after ${body.expiresAfterHours} h`;
  target.replaceChildren(
    ...(note ? [el("div", { class: "meta review-note" }, note)] : []),
    ...(items.length ? items.map((i) => renderItem(i, loadReview)) : [el("div", { class: "empty" }, "Nothing waits for review.")]),
  );
  target.dataset.loaded = "true";
}

window.addEventListener("xbot:status", () => void loadReview());
