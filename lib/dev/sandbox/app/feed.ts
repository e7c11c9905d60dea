/**
 * A paginated timeline (home, profile, mentions): fetches a page, renders its cells, and
 * fetches the next one with the Bottom cursor when the reader scrolls near the end (x.com's
 * infinite scroll); a failed read shows the Retry state.
 */
import { esc } from "../format.js";
import type { RenderCtx } from "../markup.js";
import { cellHtml } from "./cells.js";
import { fromHtml, q } from "./dom.js";
import { gqlRead } from "./gql.js";
import { pageOf } from "./page-model.js";
import { emptyState, showRetry } from "./states.js";

/** Page size asked for (x.com's web client asks 20). */
export const PAGE_SIZE = 20;
/** Load the next page when the end is closer than this below the viewport. */
const NEAR_PX = 1000;

/** What a feed fetches and how it reads the answer. */
export interface FeedSpec {
  op: string;
  variables: (cursor: string | null) => Record<string, unknown>;
  /** The timeline instructions of an answer, or null when the answer has none. */
  instructions: (body: Record<string, unknown>) => unknown;
  /** aria-label of the list, e.g. "Timeline: Mentions". */
  label: string;
  empty: { heading: string; text: string };
}

interface FeedState {
  list: HTMLElement;
  cursor: string | null;
  loading: boolean;
  /** The last read failed: nothing loads until Retry. */
  failed: boolean;
  ended: boolean;
  shown: number;
}

/** Mounts a feed into `host` and loads its first page. */
export function mountFeed(ctx: RenderCtx, host: HTMLElement, spec: FeedSpec): void {
  const region = fromHtml(
    `<section aria-labelledby="accessible-list-0" role="region"><h1 id="accessible-list-0" style="display:none">${esc(spec.label)}</h1><div aria-label="${esc(spec.label)}"></div></section>`,
  );
  host.appendChild(region);
  const list = q("div", region) as HTMLElement;
  const st: FeedState = { list, cursor: null, loading: false, failed: false, ended: false, shown: 0 };
  const near = () => !st.loading && !st.failed && !st.ended && region.getBoundingClientRect().bottom < window.innerHeight + NEAR_PX;
  const onScroll = () => {
    if (near()) void load(ctx, spec, st, near);
  };
  window.addEventListener("scroll", onScroll, { passive: true });
  window.addEventListener("wheel", onScroll, { passive: true });
  void load(ctx, spec, st, near);
}

async function load(ctx: RenderCtx, spec: FeedSpec, st: FeedState, near: () => boolean): Promise<void> {
  st.loading = true;
  try {
    const page = pageOf(spec.instructions(await gqlRead(spec.op, spec.variables(st.cursor))));
    st.loading = false;
    st.list.insertAdjacentHTML("beforeend", page.cells.map((c) => cellHtml(ctx, c)).join(""));
    st.shown += page.tweets;
    st.ended = page.tweets === 0 || page.bottom === null;
    st.cursor = page.bottom ?? st.cursor;
    if (st.shown === 0) st.list.appendChild(emptyState(ctx, spec.empty.heading, spec.empty.text));
    // A full page that does not fill the screen: keep going, as x.com does.
    if (page.tweets >= PAGE_SIZE && near()) void load(ctx, spec, st, near);
  } catch {
    st.loading = false;
    st.failed = true;
    showRetry(ctx, st.list, () => {
      st.failed = false;
      void load(ctx, spec, st, near);
    });
  }
}
