/**
 * Posting: a single tweet from /home, a thread from /compose/tweet, a reply from the status
 * page. Each returns the new ids in order with how they were established ({@link PostResult}).
 */
import type { Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { articleOf } from "./articles.js";
import { addThreadRow, findComposer, typeInto, waitComposer, type Composer } from "./composer.js";
import { detectWall } from "./detect.js";
import { attachImages, type Attachment } from "./media.js";
import { firstVisibleNow, navigate, throwIfAborted, urlOf, waitMsOf, waitVisible } from "./dom.js";
import { SEL } from "./selectors.js";
import { submitPost } from "./submit.js";
import type { PostOptions, PostResult, XSite } from "./types.js";

const TWEET_ID = /^\d{1,20}$/;

function checkTexts(texts: readonly string[]): void {
  if (texts.length === 0) throw new XbotError("validation", "nothing to post", { details: { posted: false } });
  texts.forEach((t, i) => {
    if (t.trim() === "") throw new XbotError("validation", `tweet ${i + 1} is empty`, { details: { posted: false, index: i } });
  });
}

/** Opens `path`, checks for walls, then dismisses modals with Escape (unless `dismiss` is false). */
async function openPath(page: Page, site: XSite, path: string, dismiss: boolean): Promise<void> {
  await navigate(page, urlOf(site, path));
  await detectWall(page, { waitMs: waitMsOf(site) });
  if (dismiss) await page.keyboard.press("Escape");
}

function done(site: XSite, kind: string, result: PostResult): PostResult {
  site.logger?.info("x.post.done", { kind, tweetIds: result.tweetIds, source: result.source });
  return result;
}

/** Images per tweet (`media[i]` for tweet i; missing = none). */
export type MediaPerTweet = readonly (readonly Attachment[])[];

/** Posts one tweet from `${baseUrl}/home`, with its images when given. */
export async function postSingle(page: Page, site: XSite, text: string, opts: PostOptions = {}, media: readonly Attachment[] = []): Promise<PostResult> {
  checkTexts([text]);
  throwIfAborted(opts.signal, false);
  await openPath(page, site, "/home", true);
  const composer = await findComposer(page, site);
  await typeInto(page, composer.box, text, site);
  await attachImages(page, composer, composer.box, media, site);
  throwIfAborted(opts.signal, false);
  const sub = { texts: [text] };
  return done(site, "post", await submitPost(page, site, composer, sub, opts));
}

/** Posts a thread from `${baseUrl}/compose/tweet` (tweetTextarea_0, then addButton + tweetTextarea_N). */
export async function postThread(page: Page, site: XSite, texts: readonly string[], opts: PostOptions = {}, media: MediaPerTweet = []): Promise<PostResult> {
  checkTexts(texts);
  throwIfAborted(opts.signal, false);
  await openPath(page, site, "/compose/tweet", false);
  const composer = await findComposer(page, site);
  await typeInto(page, composer.box, texts[0] ?? "", site);
  await attachImages(page, composer, composer.box, media[0] ?? [], site);
  for (let i = 1; i < texts.length; i++) {
    throwIfAborted(opts.signal, false);
    const box = await addThreadRow(composer, i, site);
    await typeInto(page, box, texts[i] ?? "", site);
    await attachImages(page, composer, box, media[i] ?? [], site);
  }
  throwIfAborted(opts.signal, false);
  const sub = { texts };
  return done(site, "thread", await submitPost(page, site, composer, sub, opts));
}

/** The reply dialog of the target's reply button; else the status page's inline reply composer. */
async function replyComposer(page: Page, site: XSite, tweetId: string): Promise<Composer> {
  const article = await articleOf(page, tweetId, waitMsOf(site));
  const button = await firstVisibleNow(article, SEL.replyButton);
  if (button) {
    await button.click();
    const dialog = await waitComposer(page, waitMsOf(site), true);
    if (dialog) return dialog;
    site.logger?.warn("x.reply.no_dialog", { tweetId });
  }
  const inline = await waitComposer(page, waitMsOf(site));
  if (inline) return inline;
  throw new XbotError("page_unexpected", "no reply composer on the status page", { details: { tweetId, posted: false } });
}

/** Replies to `tweetId` from `${baseUrl}/i/status/<id>`. A deleted target → `x_tweet_deleted`. */
export async function reply(page: Page, site: XSite, tweetId: string, text: string, opts: PostOptions = {}, media: readonly Attachment[] = []): Promise<PostResult> {
  if (!TWEET_ID.test(tweetId)) throw new XbotError("validation", `not a tweet id: ${tweetId}`, { details: { posted: false } });
  checkTexts([text]);
  throwIfAborted(opts.signal, false);
  await openPath(page, site, `/i/status/${tweetId}`, true);
  const composer = await replyComposer(page, site, tweetId);
  await typeInto(page, composer.box, text, site);
  await attachImages(page, composer, composer.box, media, site);
  throwIfAborted(opts.signal, false);
  const sub = { texts: [text], replyTo: tweetId };
  return done(site, "reply", await submitPost(page, site, composer, sub, opts));
}

/**
 * Quotes `tweetId` as x.com's web client does: its Repost button → "Quote" opens the compose
 * dialog with the post embedded, and the post goes out with CreateTweet `attachment_url`.
 * A deleted or missing target → `x_tweet_deleted` (before any click on post).
 */
export async function postQuote(page: Page, site: XSite, tweetId: string, text: string, opts: PostOptions = {}, media: readonly Attachment[] = []): Promise<PostResult> {
  if (!TWEET_ID.test(tweetId)) throw new XbotError("validation", `not a tweet id: ${tweetId}`, { details: { posted: false } });
  checkTexts([text]);
  throwIfAborted(opts.signal, false);
  await openPath(page, site, `/i/status/${tweetId}`, true);
  const article = await articleOf(page, tweetId, waitMsOf(site));
  const repost = await firstVisibleNow(article, SEL.retweetButton);
  if (!repost) throw new XbotError("page_unexpected", "the quoted post has no repost button", { details: { tweetId, posted: false } });
  await repost.click();
  const quote = await waitVisible(page, SEL.quoteMenuItem, waitMsOf(site));
  if (!quote) throw new XbotError("page_unexpected", "the repost menu has no Quote item", { details: { tweetId, posted: false } });
  await quote.click();
  const composer = await waitComposer(page, waitMsOf(site), true);
  if (!composer) throw new XbotError("page_unexpected", "no quote composer opened", { details: { tweetId, posted: false } });
  await typeInto(page, composer.box, text, site);
  await attachImages(page, composer, composer.box, media, site);
  throwIfAborted(opts.signal, false);
  return done(site, "quote", await submitPost(page, site, composer, { texts: [text] }, opts));
}
