/** Server-rendered walls that stop the bot: logged out and challenge ("doesn't exist" pages are rendered by the page script). */
import { esc } from "./format.js";
import { documentHtml } from "./layout.js";
import { button, cls, span, wrap, type RenderCtx } from "./markup.js";
import { CHALLENGE_TEXT } from "./texts.js";

export { CHALLENGE_TEXT, NO_ACCOUNT_TEXT, NOT_FOUND_TEXT } from "./texts.js";

/** Logged-out landing page: `a[href="/login"]` with `data-testid="loginButton"`. */
export function loggedOutPage(ctx: RenderCtx): string {
  const v = ctx.variant;
  const signIn = `<a href="/login" role="link" data-testid="loginButton" class="${cls("lb", v)}">${span("Sign in")}</a>`;
  const signUp = `<a href="/i/flow/signup" role="link" data-testid="signupButton">${span("Create account")}</a>`;
  const body =
    `<div data-testid="sheetDialog" class="${cls("lo", v)}">` +
    wrap(`<h1 role="heading">${span("Happening now")}</h1><h2 role="heading">${span("Join today.")}</h2>`, 2, "lo1", v) +
    wrap(signUp, 2, "lo2", v) +
    wrap(`${span("Already have an account?")}${signIn}`, 2, "lo3", v) +
    `</div>`;
  return documentHtml("X. It’s what’s happening / X", `<main role="main">${body}</main>`);
}

/** Arkose-like challenge wall with a distinctive iframe and heading. */
export function challengePage(ctx: RenderCtx): string {
  const v = ctx.variant;
  const frameDoc = esc(`<p>${CHALLENGE_TEXT}</p><button>Start puzzle</button>`);
  const arkose = `<iframe id="arkose_iframe" data-testid="arkose_iframe" title="Verification challenge" srcdoc="${frameDoc}" style="width:400px;height:300px;border:0"></iframe>`;
  const body =
    `<div data-testid="challenge" class="${cls("ch", v)}">` +
    wrap(`<h1 role="heading">${span("Authenticate your account")}</h1>`, 1, "ch1", v) +
    wrap(`<h2 role="heading">${span(CHALLENGE_TEXT)}</h2>`, 1, "ch2", v) +
    wrap(span("Please solve this puzzle so we know you are a real person."), 1, "ch3", v) +
    wrap(arkose, 2, "ch4", v) +
    wrap(button(v, { testid: "challenge_verify", label: "Verify" }, span("Verify")), 1, "ch5", v) +
    `</div>`;
  return documentHtml("Authenticate your account / X", `<main role="main">${body}</main>`);
}
