// xbot dashboard: plain ES module, no build step. Reads /api/health (public) and /api/status
// (admin token, kept in sessionStorage for this tab only). Every field of /api/status except
// `health` is optional: a missing one renders as "no data yet". Text from the data is always
// set with textContent, never parsed as HTML.

import { el } from "./dom.js";
import { infoLines, isInfoAlert, renderIncidents } from "./incidents.js";

const TOKEN_KEY = "xbot.adminToken";
const REFRESH_MS = 15_000;
const LEVELS = ["survival", "minimal", "reduced", "full"];

const $ = (id) => document.getElementById(id);

const empty = (text) => el("div", { class: "empty" }, text);
const badge = (text, kind = text) => el("span", { class: `badge ${kind}` }, text);

function ms(value) {
  return typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : NaN;
}

/** "3m ago" / "in 5m". */
function ago(when, now = Date.now()) {
  const t = ms(when);
  if (!Number.isFinite(t)) return "-";
  const d = now - t;
  const a = Math.abs(d);
  const text = a < 60e3 ? `${Math.round(a / 1e3)}s` : a < 36e5 ? `${Math.round(a / 6e4)}m` : a < 1728e5 ? `${Math.round(a / 36e5)}h` : `${Math.round(a / 864e5)}d`;
  return d >= 0 ? `${text} ago` : `in ${text}`;
}

function clock(when) {
  const t = ms(when);
  if (!Number.isFinite(t)) return "-";
  return new Date(t)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

function duration(msValue) {
  if (typeof msValue !== "number") return "-";
  return msValue < 1000 ? `${msValue} ms` : `${(msValue / 1000).toFixed(1)} s`;
}

// No locale-dependent formatting: a browser whose locale is "en-US@posix" throws on it.
function num(n) {
  if (typeof n !== "number") return "-";
  return String(Math.round(n * 100) / 100).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A table; on a phone (style.css) each row stacks, every cell labelled by its header. */
function table(headers, rows) {
  const labels = headers.map((h) => h.label ?? h);
  for (const row of rows)
    [...row.children].forEach((cell, i) => {
      if (labels[i] && !cell.dataset.label) cell.dataset.label = labels[i];
    });
  return el(
    "table",
    { class: "stack" },
    el(
      "thead",
      null,
      el(
        "tr",
        null,
        headers.map((h) => el("th", { class: h.num ? "num" : undefined }, h.label ?? h)),
      ),
    ),
    el("tbody", null, rows),
  );
}

// ---------------------------------------------------------------- token and fetching

const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

// The account switcher: shown when the accounts table has rows; the choice is kept for this tab.
const ACCOUNT_KEY = "xbot.account";
const account = {
  get: () => sessionStorage.getItem(ACCOUNT_KEY) ?? "",
  set: (value) => (value ? sessionStorage.setItem(ACCOUNT_KEY, value) : sessionStorage.removeItem(ACCOUNT_KEY)),
};

/** Fills the switcher from /api/status's `accounts` (hidden for the env's single account). */
function renderAccounts(accounts) {
  const list = Array.isArray(accounts?.list) ? accounts.list : [];
  const select = $("account");
  select.hidden = list.length === 0;
  if (list.length === 0) return;
  const options = [el("option", { value: "" }, "env account"), ...list.map((a) => el("option", { value: a.id }, `${a.id} (@${a.handle}${a.status === "paused" ? ", paused" : ""})`))];
  select.replaceChildren(...options);
  select.value = account.get();
}

async function getJson(path, auth) {
  const headers = { accept: "application/json" };
  if (auth) headers.authorization = `Bearer ${auth}`;
  const response = await fetch(path, { headers, cache: "no-store" });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { status: response.status, body };
}

// ---------------------------------------------------------------- rendering

function renderHeader(health, status) {
  const pill = $("status-pill");
  const s = health?.status ?? "unknown";
  pill.dataset.status = s;
  pill.textContent = s;
  $("level").textContent = typeof health?.level === "number" ? `level ${health.level} · ${LEVELS[health.level] ?? "?"}` : "";
  const account = status?.account;
  const where = [account?.handle ? `@${account.handle}` : null, account?.mode ? `mode ${account.mode}` : null, account?.xBaseUrl ?? null].filter(Boolean);
  $("where").textContent = where.join(" · ");
  $("updated").textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC`;
}

function renderAlerts(health, status) {
  const box = $("alerts");
  box.replaceChildren();
  const alerts = Array.isArray(health?.alerts) ? health.alerts.filter((text) => !isInfoAlert(text)) : [];
  if (health?.status === "down") box.append(el("div", { class: "alert bad" }, "xbot is DOWN: the database does not answer. Jobs cannot run until it does."));
  for (const text of alerts) box.append(el("div", { class: `alert${/isolated|open|expired|226|automated/i.test(text) ? " bad" : ""}` }, text));
  for (const text of infoLines(status)) box.append(el("div", { class: "alert info" }, text));
}

function renderBreakers(health) {
  const box = $("breakers");
  const known = health?.breakers ?? {};
  const names = [...new Set([...(health?.breakerNames ?? []), ...Object.keys(known)])];
  const breakers = names.map((name) => [name, known[name] ?? { state: "closed", phase: "closed", failures: 0, opens: 0 }]);
  if (breakers.length === 0) {
    box.replaceChildren(empty("No breaker reported."));
    return;
  }
  const now = Date.now();
  const rows = breakers.map(([name, b]) => {
    const phase = b.phase ?? b.state;
    let cool = "-";
    if (phase === "open" && b.retryAtMs) cool = `half-open ${ago(b.retryAtMs, now)}`;
    else if (phase === "half_open") cool = "trial allowed now";
    else if (phase === "isolated") cool = `until reset (xbot breaker reset ${name})`;
    return el(
      "tr",
      { dataset: { breaker: name } },
      el("td", { class: "job-name" }, name),
      el("td", null, badge(phase.replace("_", "-"), phase)),
      el("td", { class: "num" }, num(b.failures)),
      el("td", { class: "num" }, num(b.opens)),
      el("td", null, b.openedAtMs ? ago(b.openedAtMs, now) : "-"),
      el("td", null, cool),
    );
  });
  box.replaceChildren(table(["breaker", "phase", { label: "failures", num: true }, { label: "opens", num: true }, "opened", "cool-down"], rows));
}

function renderResources(health, status) {
  const box = $("resources");
  const dl = el("dl", { class: "kv" });
  const add = (label, ...value) => dl.append(el("dt", null, label), el("dd", null, ...value));
  const probes = health?.probes ?? {};
  for (const [name, probe] of Object.entries(probes)) {
    add(
      name,
      probe?.ok ? badge("ok") : badge("down"),
      probe?.ok && typeof probe.latencyMs === "number" ? ` ${probe.latencyMs} ms` : probe?.error ? ` ${typeof probe.error === "string" ? probe.error : (probe.error.message ?? "")}` : "",
    );
  }
  const browser = health?.resources?.browser;
  if (browser) {
    const used = typeof browser.used === "number" ? browser.used : 0;
    const pct = browser.slots ? Math.min(100, (used / browser.slots) * 100) : 0;
    add("browser slots", `${browser.used ?? "?"} / ${browser.slots} in use`, el("div", { class: `meter${pct >= 100 ? " hot" : ""}` }, el("span", { style: `width:${pct}%` })));
  }
  const llm = status?.llm;
  if (llm && typeof llm.dailyBudgetUsd === "number") {
    const spent = typeof llm.spentTodayUsd === "number" ? llm.spentTodayUsd : 0;
    const pct = llm.dailyBudgetUsd > 0 ? Math.min(100, (spent / llm.dailyBudgetUsd) * 100) : 100;
    add(
      "LLM today",
      `$${spent.toFixed(4)} of $${llm.dailyBudgetUsd.toFixed(2)}${llm.configured === false ? " (no key: evergreen library)" : ""}`,
      el("div", { class: `meter${pct >= 100 ? " hot" : ""}` }, el("span", { style: `width:${pct}%` })),
    );
  }
  const counts = status?.queue?.counts;
  if (counts) add("queue", `${counts.queued ?? 0} queued, ${counts.posting ?? 0} posting`);
  box.replaceChildren(dl);
}

function runTitle(run) {
  const why = run.reason ?? run.errorCode ?? "";
  return `${clock(run.startedAt)} · ${run.status}${why ? ` · ${why}` : ""} · ${duration(ms(run.endedAt) - ms(run.startedAt))} · ${run.trigger}/${run.mode}`;
}

function renderTimeline(health, runs) {
  const box = $("timeline");
  const byJob = new Map();
  for (const run of runs) {
    if (!byJob.has(run.job)) byJob.set(run.job, []);
    byJob.get(run.job).push(run);
  }
  const jobs = [...(health?.order ?? []), ...[...byJob.keys()].filter((j) => !(health?.order ?? []).includes(j))];
  if (jobs.length === 0) {
    box.replaceChildren(empty("No jobs."));
    return;
  }
  const now = Date.now();
  const rows = jobs.map((job) => {
    const list = (byJob.get(job) ?? []).slice(0, 40).reverse();
    const h = health?.jobs?.[job];
    const state = !h ? badge("?", "idle") : h.lastSuccessAt === null ? badge("no success yet", "idle") : h.healthy ? badge("healthy") : badge("overdue");
    const last = list[list.length - 1];
    return el(
      "div",
      { class: "timeline-row", dataset: { job } },
      el("div", { class: "job-name" }, job),
      el("div", null, state),
      el(
        "div",
        { class: "strip" },
        list.length ? list.map((run) => el("span", { class: `run ${run.status}`, title: runTitle(run), dataset: { status: run.status } })) : el("span", { class: "meta" }, "no runs yet"),
      ),
      el("div", { class: "last meta" }, last ? `last ${last.status} ${ago(last.startedAt, now)}` : ""),
    );
  });
  box.replaceChildren(...rows);
  const select = $("run-job");
  const current = select.value;
  select.replaceChildren(...jobs.map((job) => el("option", { value: job }, job)));
  if (jobs.includes(current)) select.value = current;
}

function artifactLinks(id) {
  if (!id) return "-";
  const links = [
    ["png", "screenshot"],
    ["html", "html"],
    ["json", "error"],
  ].map(([ext, label]) => el("a", { href: `/api/artifacts?id=${encodeURIComponent(id)}&kind=${ext}`, class: "artifact", dataset: { artifact: `${id}.${ext}` }, onclick: openArtifact }, label));
  return el("span", { title: id }, links);
}

async function openArtifact(event) {
  event.preventDefault();
  const link = event.currentTarget;
  const response = await fetch(link.getAttribute("href"), { headers: { authorization: `Bearer ${token.get()}` } }).catch(() => null);
  if (!response?.ok) {
    link.replaceWith(el("span", { class: "meta" }, "not on this machine"));
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  window.open(url, "_blank", "noopener");
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function renderProblems(runs) {
  const box = $("problems");
  const problems = runs.filter((r) => r.status !== "ok").slice(0, 15);
  if (problems.length === 0) {
    box.replaceChildren(empty("No skipped or failed runs recently."));
    return;
  }
  const rows = problems.map((r) =>
    el(
      "tr",
      { dataset: { run: r.id } },
      el("td", { class: "mono" }, clock(r.startedAt)),
      el("td", { class: "job-name" }, r.job),
      el("td", null, badge(r.status)),
      el("td", { class: "text" }, [r.reason, r.errorCode, typeof r.summary?.error === "string" ? r.summary.error : null].filter(Boolean).join(" · ") || "-"),
      el("td", null, `${r.trigger}/${r.mode}`),
      el("td", { class: "num" }, duration(ms(r.endedAt) - ms(r.startedAt))),
      el("td", null, artifactLinks(r.artifactId)),
    ),
  );
  box.replaceChildren(table(["started (UTC)", "job", "status", "reason / error", "trigger/mode", { label: "took", num: true }, "artifact"], rows));
}

// ---------------------------------------------------------------- media thumbnails

/** Blob URLs of fetched thumbnails by media id (fetched once per page, with the admin token). */
const thumbUrls = new Map();

/** Thumbnails of library images, each with its alt text (alt and title); loaded after render. */
function thumbs(ids, media) {
  const list = (Array.isArray(ids) ? ids : []).filter((id) => media?.[id]);
  if (list.length === 0) return null;
  return el(
    "span",
    { class: "thumbs" },
    list.map((id) => {
      const alt = String(media[id].altText ?? "");
      const img = el("img", { class: "thumb", alt, title: alt, width: 48, height: 48, dataset: { media: id } });
      void loadThumb(img, id);
      return img;
    }),
  );
}

async function loadThumb(img, id) {
  if (!thumbUrls.has(id)) {
    thumbUrls.set(
      id,
      fetch(`/api/media?id=${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token.get()}` } })
        .then((r) => (r.ok ? r.blob() : null))
        .then((b) => (b ? URL.createObjectURL(b) : null))
        .catch(() => null),
    );
  }
  const url = await thumbUrls.get(id);
  if (url) img.src = url;
  else img.replaceWith(el("span", { class: "meta" }, `[image: ${img.alt}]`));
}

function renderQueue(queue, media) {
  const counts = queue?.counts ?? {};
  $("queue-counts").replaceChildren(
    ...["queued", "review", "posting", "posted", "partial", "failed", "cancelled"].map((s) => el("span", { class: "chip", dataset: { status: s } }, `${s} `, el("b", null, num(counts[s] ?? 0)))),
  );
  const items = Array.isArray(queue?.items) ? queue.items : [];
  if (items.length === 0) {
    $("queue").replaceChildren(empty('The queue is empty. The plan job fills it; `xbot queue add "text"` adds by hand.'));
    return;
  }
  const rows = items.map((item) =>
    el(
      "tr",
      { dataset: { item: item.id } },
      el("td", { class: "mono" }, `#${item.id}`),
      el("td", null, badge(item.status)),
      el("td", { class: "mono" }, clock(item.dueAt)),
      el("td", null, item.tweets?.length > 1 ? `${item.kind} ×${item.tweets.length}` : item.kind),
      el("td", null, [item.source, item.topic, item.format].filter(Boolean).join(" · ")),
      el("td", { class: "text" }, item.tweets?.[0] ?? "", thumbs((item.media ?? []).flat(), media), item.quoteOf ? el("span", { class: "meta" }, ` quotes ${item.quoteOf}`) : null),
      el("td", { class: "num" }, `${item.attempts}/${item.maxAttempts}`),
      el("td", null, item.reason ?? ""),
    ),
  );
  $("queue").replaceChildren(table(["id", "status", "due (UTC)", "kind", "source", "text", { label: "tries", num: true }, "reason"], rows));
}

function renderPosts(status) {
  const box = $("posts");
  const posts = Array.isArray(status?.posts) ? status.posts : null;
  if (!posts) {
    box.replaceChildren(empty("No post data from this deployment yet."));
    return;
  }
  if (posts.length === 0) {
    box.replaceChildren(empty("Nothing posted yet."));
    return;
  }
  const base = status?.account?.xBaseUrl;
  const rows = posts.map((p) => {
    const m = p.metrics ?? null;
    const href = p.url ?? (base && p.tweetId ? `${base.replace(/\/$/, "")}/i/status/${p.tweetId}` : null);
    return el(
      "tr",
      { dataset: { tweet: p.tweetId } },
      el("td", { class: "mono" }, clock(p.postedAt)),
      el("td", { class: "text" }, href ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }, p.text ?? p.tweetId) : (p.text ?? p.tweetId), thumbs(p.media, status?.media)),
      el("td", null, [p.kind, p.origin && p.origin !== "bot" ? p.origin : null, p.topic, p.vanishedAt ? "vanished from X" : null, p.deletedAt ? "deleted" : null].filter(Boolean).join(" · ")),
      el("td", { class: "num" }, num(m?.likes)),
      el("td", { class: "num" }, num(m?.replies)),
      el("td", { class: "num" }, num(m?.reposts)),
      el("td", { class: "num" }, num(m?.views)),
      el("td", null, m?.ageBucket ?? (m ? "" : "not measured")),
    );
  });
  box.replaceChildren(
    table(["posted (UTC)", "text", "kind", { label: "likes", num: true }, { label: "replies", num: true }, { label: "reposts", num: true }, { label: "views", num: true }, "at"], rows),
  );
}

let chart = null;
let chartKey = "";

/**
 * Engagement points from /api/status: `engagement` is a list of days
 * ({day: "YYYY-MM-DD", posts, likes, replies, reposts, views, followers}); the shape
 * {series: [{t, ...}], followers: [{t, followers}]} is accepted too.
 */
function engagementPoints(status) {
  const raw = status?.engagement;
  const list = Array.isArray(raw) ? raw : Array.isArray(raw?.series) ? raw.series : [];
  const followers = Array.isArray(raw?.followers) ? raw.followers : [];
  const points = list
    .map((p) => ({ ...p, x: ms(p.t ?? (p.day ? `${p.day}T00:00:00Z` : undefined)) / 1000 }))
    .filter((p) => Number.isFinite(p.x))
    .sort((a, b) => a.x - b.x);
  if (followers.length) {
    for (const p of points) {
      let best = null;
      for (const f of followers) if (ms(f.t) / 1000 <= p.x) best = f.followers;
      if (p.followers === undefined || p.followers === null) p.followers = best;
    }
  }
  return points;
}

function renderChart(status) {
  const box = $("chart");
  const points = engagementPoints(status);
  const measured = points.some((p) => p.likes || p.replies || p.reposts || p.views || typeof p.followers === "number");
  if (!measured || typeof window.uPlot !== "function") {
    chart?.destroy();
    chart = null;
    chartKey = "";
    box.replaceChildren(empty(!measured ? "No engagement measured yet: the metrics job fills this in as posts age." : "Chart library not loaded."));
    return;
  }
  const hasFollowers = points.some((p) => typeof p.followers === "number");
  const data = [
    points.map((p) => p.x),
    points.map((p) => p.likes ?? null),
    points.map((p) => p.replies ?? null),
    points.map((p) => p.reposts ?? null),
    points.map((p) => p.views ?? null),
    ...(hasFollowers ? [points.map((p) => (typeof p.followers === "number" ? p.followers : null))] : []),
  ];
  const key = JSON.stringify(data);
  if (key === chartKey && chart) return;
  chartKey = key;
  chart?.destroy();
  box.replaceChildren();
  const width = Math.max(320, box.clientWidth || 600);
  chart = new window.uPlot(
    {
      width,
      height: 260,
      scales: { x: { time: true }, views: { auto: true }, followers: { auto: true } },
      axes: [
        {},
        { label: "likes · replies · reposts" },
        { scale: "views", side: 1, label: "views", grid: { show: false } },
        ...(hasFollowers ? [{ scale: "followers", side: 1, label: "followers", grid: { show: false }, stroke: "#c98a04" }] : []),
      ],
      series: [
        {},
        { label: "likes", stroke: "#d03838", width: 2 },
        { label: "replies", stroke: "#2f6fdb", width: 2 },
        { label: "reposts", stroke: "#1f9d55", width: 2 },
        { label: "views", stroke: "#9aa1b1", width: 1.5, scale: "views", dash: [4, 3] },
        ...(hasFollowers ? [{ label: "followers", stroke: "#c98a04", width: 1.5, scale: "followers", spanGaps: true }] : []),
      ],
    },
    data,
    box,
  );
}

function renderArms(status) {
  const box = $("arms");
  const arms = status?.arms;
  const top = Array.isArray(arms?.topArms) ? arms.topArms : [];
  const shares = Array.isArray(arms?.shares) ? arms.shares : sharesFrom(top, arms?.totalPulls);
  if (!arms || (top.length === 0 && shares.length === 0)) {
    box.replaceChildren(empty("No arm has been played yet: the learn job updates arms as metrics come in."));
    return;
  }
  const bars = el(
    "div",
    { class: "bars" },
    shares.map((s) =>
      el(
        "div",
        { class: "bar-row", dataset: { arm: s.key } },
        el("div", { class: "mono" }, s.key),
        el("div", { class: "bar" }, el("span", { style: `width:${Math.round((s.share ?? 0) * 100)}%` })),
        el("div", { class: "meta" }, `${Math.round((s.share ?? 0) * 100)}% · ${num(s.pulls)} plays${typeof s.mean === "number" ? ` · mean ${s.mean.toFixed(2)}` : ""}`),
      ),
    ),
  );
  const parts = [el("p", { class: "meta" }, `${num(arms.totalPulls ?? 0)} plays over ${num(arms.arms ?? top.length)} arms; share of plays, with the posterior mean reward`), bars];
  if (Array.isArray(arms.bestHours) && arms.bestHours.length) {
    parts.push(
      el("h3", null, "Best hours (UTC)"),
      el(
        "p",
        null,
        arms.bestHours
          .slice(0, 6)
          .map((h) => `${String(h.hourBucket).padStart(2, "0")}:00 (${h.mean.toFixed(2)})`)
          .join(" · "),
      ),
    );
  }
  box.replaceChildren(...parts);
}

function sharesFrom(top, total) {
  const sum = typeof total === "number" && total > 0 ? total : top.reduce((n, a) => n + (a.pulls ?? 0), 0);
  return top.map((a) => ({ key: a.armId ?? `${a.topic}:${a.format}:${a.hourBucket}`, pulls: a.pulls, share: sum > 0 ? (a.pulls ?? 0) / sum : 0, mean: a.mean }));
}

// ---------------------------------------------------------------- flow

function showLogin(message) {
  $("app").hidden = true;
  $("login").hidden = false;
  $("logout").hidden = true;
  $("refresh").hidden = true;
  $("login-error").textContent = message ?? "";
  $("token").focus();
}

function showApp() {
  $("login").hidden = true;
  $("app").hidden = false;
  $("logout").hidden = false;
  $("refresh").hidden = false;
}

let loading = false;

async function load() {
  if (loading) return;
  loading = true;
  try {
    const secret = token.get();
    if (!secret) {
      const health = await getJson("/api/health").catch(() => null);
      renderHeader(health?.body, null);
      showLogin();
      return;
    }
    const chosen = account.get();
    let { status, body } = await getJson(chosen ? `/api/status?account=${encodeURIComponent(chosen)}` : "/api/status", secret);
    if (status === 404 && chosen) {
      account.set(""); // the account was removed: back to the deployment's view
      ({ status, body } = await getJson("/api/status", secret));
    }
    if (status === 401) {
      token.clear();
      showLogin("That token was refused. Enter XBOT_ADMIN_TOKEN (npm start prints it on its first start; it is in .xbot/secrets.json).");
      return;
    }
    if (!body || status >= 500 || !body.health) {
      renderHeader({ status: "down" }, null);
      showApp();
      $("alerts").replaceChildren(el("div", { class: "alert bad" }, `/api/status answered ${status}: ${body?.message ?? "no data"}`));
      return;
    }
    const runs = Array.isArray(body.runs) ? body.runs : [];
    showApp();
    renderHeader(body.health, body);
    renderAccounts(body.accounts);
    renderIncidents($("incidents"), body.health);
    renderAlerts(body.health, body);
    renderBreakers(body.health);
    renderResources(body.health, body);
    renderTimeline(body.health, runs);
    renderProblems(runs);
    renderQueue(body.queue, body.media);
    renderPosts(body);
    renderChart(body);
    renderArms(body);
    document.body.dataset.loaded = "true";
    // The dashboard's own modules (review.js, safety.js) render their sections on this event.
    window.dispatchEvent(new CustomEvent("xbot:status", { detail: body }));
  } catch (error) {
    $("updated").textContent = `refresh failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    loading = false;
  }
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("token").value.trim();
  if (!value) return;
  token.set(value);
  $("token").value = "";
  void load();
});

$("logout").addEventListener("click", () => {
  token.clear();
  showLogin();
});

$("refresh").addEventListener("click", () => void load());

$("account").addEventListener("change", () => {
  account.set($("account").value);
  void load();
});

$("run-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const job = $("run-job").value;
  const mode = $("run-mode").value;
  const out = $("run-result");
  const button = event.submitter ?? $("run-form").querySelector("button");
  if (!job) return;
  button.disabled = true;
  out.textContent = `running ${job}…`;
  try {
    const response = await fetch(`/api/jobs/${encodeURIComponent(job)}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token.get()}`, "content-type": "application/json" },
      body: JSON.stringify(mode ? { mode } : {}),
    });
    const body = await response.json().catch(() => ({}));
    out.textContent = body.status
      ? `${job}: ${body.status}${body.reason ? ` (${body.reason})` : body.errorCode ? ` (${body.errorCode})` : ""} in ${duration(body.durationMs)}`
      : `${job}: HTTP ${response.status} ${body.message ?? ""}`;
  } catch (error) {
    out.textContent = `${job}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    button.disabled = false;
    void load();
  }
});

window.addEventListener("resize", () => {
  if (chart) chart.setSize({ width: Math.max(320, $("chart").clientWidth), height: 260 });
});

setInterval(() => {
  if (!document.hidden) void load();
}, REFRESH_MS);
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) void load();
});

void load();
