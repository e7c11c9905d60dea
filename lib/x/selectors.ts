/**
 * Every selector the adapter uses, in one place. Each entry is an ORDERED list of fallbacks:
 * the first one that matches wins. Test ids, roles, hrefs and aria attributes only; never
 * CSS classes (x.com's are generated). Buttons may be `div[role="button"]` or `<button>`.
 */

/** Selector lists, each tried in order. */
export const SEL = {
  /** Logged out: the sign-in link or button. */
  loginWall: ['[data-testid="loginButton"]', 'a[href="/login"]', 'a[href="/i/flow/login"]'],
  /** Logged in: the account switcher in the side nav (holds "@handle"). */
  accountSwitcher: ['[data-testid="SideNav_AccountSwitcher_Button"]'],
  /** Challenge / consent walls (Arkose iframe, x.com challenge containers). */
  challenge: ['[data-testid="challenge"]', "#arkose_iframe", 'iframe[src*="arkoselabs"]', 'iframe[title*="challenge" i]', 'iframe[title*="Verification" i]'],
  /** The "this page doesn't exist" error block. */
  errorDetail: ['[data-testid="error-detail"]'],
  /** A deleted tweet inside a conversation. */
  tombstone: ['[data-testid="tombstone"]'],
  /** Transient notices (toasts, alerts) that may carry rate-limit or error text. */
  notices: ['[data-testid="toast"]', '[role="alert"]'],
  /** Any of these means the page rendered something we can reason about. */
  landmarks: [
    '[data-testid="primaryColumn"]',
    '[data-testid="SideNav_AccountSwitcher_Button"]',
    '[data-testid="loginButton"]',
    'a[href="/login"]',
    '[data-testid="challenge"]',
    "#arkose_iframe",
    'iframe[src*="arkoselabs"]',
    '[data-testid="error-detail"]',
    'div[role="dialog"]',
  ],
  /** A modal dialog (compose, reply). */
  dialog: ['div[role="dialog"][aria-modal="true"]', 'div[role="dialog"]'],
  /** The first composer textbox. */
  composer: ['[data-testid="tweetTextarea_0"]', 'div[role="textbox"][contenteditable="true"]'],
  /** The "add another post" button of the thread composer. */
  addButton: ['[data-testid="addButton"]'],
  /** Post buttons that can be clicked. */
  postButtonEnabled: ['[data-testid="tweetButtonInline"]:not([aria-disabled="true"]):not([disabled])', '[data-testid="tweetButton"]:not([aria-disabled="true"]):not([disabled])'],
  /** Post buttons in any state (to tell "disabled" from "missing"). */
  postButtonAny: ['[data-testid="tweetButtonInline"]', '[data-testid="tweetButton"]'],
  /** The toast's link to the new tweet. */
  toastStatusLink: ['[data-testid="toast"] a[href*="/status/"]', '[role="alert"] a[href*="/status/"]'],
  /** Tweets. */
  article: ['article[data-testid="tweet"]', 'article[role="article"]'],
  /** Inside an article: the text, and the time element inside the link to the tweet. */
  tweetText: ['[data-testid="tweetText"]'],
  statusTime: ['a[href*="/status/"] time'],
  /** The reply button of an article. */
  replyButton: ['[data-testid="reply"]'],
  /** Visible (abbreviated) count inside an action button. */
  visibleCount: ['[data-testid="app-text-transition-container"]'],
  /** Views link of an article. */
  views: ['a[href$="/analytics"]'],
  /** The "Show more" control inside a long post's text. */
  showMore: ['[data-testid="tweet-text-show-more-link"]'],
  /** Attached images and videos. */
  media: ['[data-testid="tweetPhoto"]', '[data-testid="videoPlayer"]'],
  /** The composer's hidden media input (x.com: `input[data-testid="fileInput"]`). */
  fileInput: ['input[data-testid="fileInput"]', 'input[type="file"][accept*="image"]'],
  /** An attachment still uploading (x.com shows a progress bar until FINALIZE). */
  uploadProgress: ['[data-testid="attachments"] [data-testid="progressBar"]', '[data-testid="attachments"] [role="progressbar"]'],
  /** An uploaded attachment's "Edit" button (opens the media editor). */
  editMedia: ['[data-testid="attachments"] [data-testid="editMedia"]', '[data-testid="attachments"] [aria-label="Edit media"]', '[data-testid="attachments"] [aria-label="Edit"]'],
  /** The media editor and its alt text box and save button. */
  mediaEditor: ['[role="dialog"][aria-label="Edit media"]'],
  altTextInput: ['[data-testid="altTextInput"]', 'textarea[aria-label="Description"]', "textarea"],
  altTextSave: ['[data-testid="altTextSave"]', '[data-testid="endEditingButton"]', 'button:has-text("Save")'],
  /** An article's Repost button, and its menu's "Quote" item (a link to /compose/post). */
  retweetButton: ['[data-testid="retweet"]'],
  quoteMenuItem: ['[role="menu"] a[href="/compose/post"]', '[role="menuitem"]:has-text("Quote")'],
} as const;

/** The action-bar buttons per counter (both states, e.g. like/unlike). */
export const METRIC_BUTTONS = {
  replies: ['[data-testid="reply"]'],
  reposts: ['[data-testid="retweet"]', '[data-testid="unretweet"]'],
  likes: ['[data-testid="like"]', '[data-testid="unlike"]'],
  bookmarks: ['[data-testid="bookmark"]', '[data-testid="removeBookmark"]'],
} as const;

/** `tweetTextarea_<n>`: the n-th textbox of a thread composer. */
export function threadTextarea(n: number): readonly string[] {
  return [`[data-testid="tweetTextarea_${n}"]`];
}

/** Links to a profile's follower lists (handle matched case-insensitively). */
export function followerLinks(user: string): readonly string[] {
  return [`a[href="/${user}/followers" i]`, `a[href="/${user}/verified_followers" i]`];
}

/** The time link of the tweet `id` (`/<author>/status/<id>`), to find that tweet's article. */
export function statusTimeOf(id: string): readonly string[] {
  return [`a[href$="/status/${id}"] time`];
}

/** CreateTweet (and CreateNoteTweet, for long posts) GraphQL endpoint path (any query id). */
export const CREATE_TWEET_PATH = /\/i\/api\/graphql\/[^/]+\/Create(?:Note)?Tweet(?:\?|$)/;

/** A selector list joined into one CSS selector (document order, for waiting on "any of"). */
export function anyOf(list: readonly string[]): string {
  return list.join(", ");
}
