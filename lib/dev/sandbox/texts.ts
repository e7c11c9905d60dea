/** Texts x.com shows in error and empty states (shared by the walls and the page script). */

/** Text of x.com's page for unknown or deleted posts. */
export const NOT_FOUND_TEXT = "Hmm...this page doesn't exist. Try searching for something else.";
/** Text of x.com's page for unknown accounts. */
export const NO_ACCOUNT_TEXT = "This account doesn't exist";
/** Heading of the challenge wall. */
export const CHALLENGE_TEXT = "Verify you are human";
/** x.com's throttled-timeline state (with a Retry button). Quirk: REFERENCE.md "Real x.com markup". */
export const TIMELINE_ERROR_TEXT = "Something went wrong. Try reloading.";
/** Heading and text of a suspended account's profile. Quirk: REFERENCE.md "Real x.com markup". */
export const SUSPENDED_HEADING = "Account suspended";
/** Body text under {@link SUSPENDED_HEADING}. */
export const SUSPENDED_TEXT = "X suspends accounts which violate the X Rules.";
/** Heading of the caution interstitial of a temporarily restricted account. */
export const RESTRICTED_HEADING = "Caution: This account is temporarily restricted";
/** Body text of the caution interstitial. */
export const RESTRICTED_TEXT = "You’re seeing this warning because there has been some unusual activity from this account. Do you still want to view it?";
/** The interstitial's button that reveals the profile's posts. */
export const RESTRICTED_BUTTON = "Yes, view profile";
