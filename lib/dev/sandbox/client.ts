/**
 * The page script: composers enable their post button when every textbox has text, the post
 * button calls CreateTweet with fetch (one call per thread tweet, each replying to the previous),
 * then a toast with a "View" link appears. Also: addButton rows, reply dialog, `n` shortcut.
 * Plain ES2020 kept as a string; no template literals inside, so it embeds safely.
 */
export const CLIENT_JS = String.raw`(() => {
  const C = window.__SB__ || {};
  const Q = (s, r) => (r || document).querySelector(s);
  const QA = (s, r) => Array.from((r || document).querySelectorAll(s));
  const ct0 = () => (document.cookie.match(/(?:^|;\s*)ct0=([^;]*)/) || [])[1] || "";
  const boxes = (root) => QA('[role="textbox"]', root);
  const postBtn = (root) => Q('[data-testid="tweetButton"],[data-testid="tweetButtonInline"]', root);
  const textOf = (el) => (el.innerText || "").replace(/\u00a0/g, " ").trim();
  const ACTIONS = '[data-testid="tweetButton"],[data-testid="tweetButtonInline"],[data-testid="addButton"],' +
    '[data-testid="reply"],[data-testid="app-bar-close"]';

  function setDisabled(btn, d) {
    if (!btn) return;
    if (d) btn.setAttribute("aria-disabled", "true"); else btn.removeAttribute("aria-disabled");
    if (btn.tagName === "BUTTON") btn.disabled = d;
  }
  function refresh(root) {
    const texts = boxes(root).map(textOf);
    const ok = !C.composerDisabled && !root.dataset.sbBusy && texts.length > 0 &&
      texts.every((t) => t.length > 0 && t.length <= 280);
    setDisabled(postBtn(root), !ok);
  }
  function toast(msg, href) {
    QA('[data-testid="toast"]').forEach((t) => t.remove());
    const el = document.createElement("div");
    el.setAttribute("role", "alert");
    el.dataset.testid = "toast";
    el.innerHTML = "<div><span></span></div>" + (href ? '<a role="link"><span>View</span></a>' : "");
    Q("span", el).textContent = msg;
    if (href) Q("a", el).setAttribute("href", href);
    (Q("#layers") || document.body).appendChild(el);
    setTimeout(() => el.remove(), 10000);
  }
  async function createTweet(text, replyTo) {
    const variables = { tweet_text: text, dark_request: false,
      media: { media_entities: [], possibly_sensitive: false }, semantic_annotation_ids: [] };
    if (replyTo) variables.reply = { in_reply_to_tweet_id: replyTo, exclude_reply_user_ids: [] };
    const res = await fetch("/i/api/graphql/" + C.queryId + "/CreateTweet", {
      method: "POST", credentials: "include",
      headers: { "content-type": "application/json", "x-csrf-token": ct0(), authorization: "Bearer " + C.bearer,
        "x-twitter-auth-type": "OAuth2Session", "x-twitter-active-user": "yes" },
      body: JSON.stringify({ variables: variables, features: {}, queryId: C.queryId }),
    });
    const body = await res.json().catch(() => ({}));
    const result = body && body.data && body.data.create_tweet && body.data.create_tweet.tweet_results.result;
    if (result && result.rest_id) return result.rest_id;
    const err = body && body.errors && body.errors[0];
    throw new Error(err && err.message ? err.message : "Something went wrong. Try reloading.");
  }
  function finish(root, ids) {
    toast(ids.length > 1 ? "Your posts were sent." : "Your post was sent.", "/" + C.user + "/status/" + ids[0]);
    if (root.dataset.sbComposer !== "inline") {
      const layer = root.closest("[data-sb-layer]");
      if (layer) { layer.remove(); return; }
    }
    boxes(root).forEach((b) => { b.textContent = ""; });
    refresh(root);
  }
  async function submit(root) {
    const texts = boxes(root).map(textOf);
    root.dataset.sbBusy = "1";
    refresh(root);
    let prev = root.dataset.sbReplyTo || null;
    const ids = [];
    try {
      for (const t of texts) { prev = await createTweet(t, prev); ids.push(prev); }
    } catch (e) {
      delete root.dataset.sbBusy;
      toast(String((e && e.message) || e));
      refresh(root);
      return;
    }
    delete root.dataset.sbBusy;
    finish(root, ids);
  }
  function addRow(root) {
    const rows = Q("[data-sb-rows]", root);
    const n = QA("[data-sb-row]", rows).length;
    rows.insertAdjacentHTML("beforeend", Q("#sb-row").innerHTML.split("__N__").join(String(n)));
    const label = Q("span span", postBtn(root));
    if (label) label.textContent = "Post all";
    refresh(root);
    boxes(rows)[n].focus();
  }
  function openDialog(tplId) {
    if (Q("[data-sb-layer]")) return null;
    document.body.insertAdjacentHTML("beforeend", Q("#" + tplId).innerHTML);
    const root = Q("[data-sb-layer] [data-sb-composer]");
    refresh(root);
    boxes(root)[0].focus();
    return root;
  }
  function openReply(article) {
    const time = Q('a[href*="/status/"] time', article);
    const m = time && time.parentElement.getAttribute("href").match(/^\/([^/]+)\/status\/(\d+)/);
    if (!m) return;
    const root = openDialog("sb-reply");
    if (!root) return;
    root.dataset.sbReplyTo = m[2];
    const a = Q("[data-sb-replying-link]", root);
    a.textContent = "@" + m[1];
    a.setAttribute("href", "/" + m[1]);
  }
  document.addEventListener("input", (e) => {
    const r = e.target.closest && e.target.closest("[data-sb-composer]");
    if (r) refresh(r);
  });
  document.addEventListener("click", (e) => {
    const t = e.target.closest && e.target.closest(ACTIONS);
    if (!t) return;
    const id = t.getAttribute("data-testid");
    const root = t.closest("[data-sb-composer]");
    if (id === "addButton" && root) addRow(root);
    else if (id === "reply") { const art = t.closest("article"); if (art) openReply(art); }
    else if (id === "app-bar-close") { const l = t.closest("[data-sb-layer]"); if (l) l.remove(); }
    else if (root && t.getAttribute("aria-disabled") !== "true") submit(root);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      const l = Q("[data-sb-layer]");
      if (l && !Q('[data-sb-composer="compose"]', l)) l.remove();
      return;
    }
    if (e.key !== "n" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest && e.target.closest('[contenteditable="true"],input,textarea')) return;
    e.preventDefault();
    openDialog("sb-compose");
  });
  QA("[data-sb-composer]").forEach(refresh);
})();`;
