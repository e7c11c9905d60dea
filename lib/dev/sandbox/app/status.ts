/** The status page: TweetDetail's ancestors, the focal post, an inline reply composer, then replies. */
import type { RenderCtx } from "../markup.js";
import { cellHtml, itemHtml } from "./cells.js";
import { refresh } from "./compose.js";
import { inlineComposer } from "./composer-markup.js";
import { fromHtml, q, viewRoot } from "./dom.js";
import { bodyError, gqlRead } from "./gql.js";
import { pageOf, type Cell } from "./page-model.js";
import { notFoundView } from "./pages.js";
import { path } from "./shape.js";
import { heading, showRetry } from "./states.js";

function variables(id: string): Record<string, unknown> {
  return {
    focalTweetId: id,
    with_rux_injections: false,
    rankingMode: "Relevance",
    includePromotedContent: true,
    withCommunity: true,
    withQuickPromoteEligibilityTweetFields: true,
    withBirdwatchNotes: true,
    withVoice: true,
  };
}

function render(ctx: RenderCtx, list: HTMLElement, id: string, cells: Cell[]): void {
  const at = cells.findIndex((c) => c.entryId === `tweet-${id}`);
  const focal = cells[at];
  if (focal?.kind !== "item" || focal.item.kind !== "tweet") {
    notFoundView(ctx);
    return;
  }
  const t = focal.item.tweet;
  document.title = `${t.name} on X: "${(t.noteText ?? t.text).slice(0, 60)}" / X`;
  const html = [...cells.slice(0, at).map((c) => cellHtml(ctx, c)), itemHtml(ctx, focal.item, { focal: true }), inlineComposer(ctx, id), ...cells.slice(at + 1).map((c) => cellHtml(ctx, c))];
  list.insertAdjacentHTML("beforeend", html.join(""));
  const composer = q("[data-sb-composer]", list);
  if (composer) refresh(composer);
}

async function load(ctx: RenderCtx, list: HTMLElement, id: string): Promise<void> {
  try {
    const body = await gqlRead("TweetDetail", variables(id));
    const convo = path(body, "data", "threaded_conversation_with_injections_v2");
    if (!convo || bodyError(body)?.code === 144) return notFoundView(ctx);
    render(ctx, list, id, pageOf(convo.instructions).cells);
  } catch {
    showRetry(ctx, list, () => void load(ctx, list, id));
  }
}

/** /<user>/status/<id>, /i/status/<id>, /i/web/status/<id>. */
export function statusView(ctx: RenderCtx, id: string): void {
  const root = viewRoot();
  document.title = "Post / X";
  root.insertAdjacentHTML("beforeend", heading(ctx, "Post"));
  const region = fromHtml(
    `<section aria-labelledby="accessible-list-1" role="region"><h1 id="accessible-list-1" style="display:none">Conversation</h1><div aria-label="Timeline: Conversation"></div></section>`,
  );
  root.appendChild(region);
  void load(ctx, q("div", region) as HTMLElement, id);
}
