/** The page's configuration, put into the app shell by the server (`window.__SB__`). */
import type { RenderCtx } from "../markup.js";
import type { Variant } from "../types.js";

/** What the shell tells the page script (small: data comes from GraphQL). */
export interface AppConfig {
  /** Handle and rest_id of the logged-in user. */
  user: string;
  userId: string;
  /** Display name of the logged-in user (side nav). */
  name: string;
  variant: Variant;
  /** Keep post buttons disabled (fault `composer_disabled`). */
  composerDisabled: boolean;
  /** The user has X Premium: long posts go through CreateNoteTweet. */
  premium: boolean;
  /** Sandbox clock when the shell was served (relative times are computed against it). */
  nowMs: number;
  /** GraphQL query ids by operation name (random per sandbox). */
  queryIds: Record<string, string>;
  /** Public bearer token sent in `authorization` (not checked by the sandbox). */
  bearer: string;
}

declare global {
  interface Window {
    __SB__?: AppConfig;
  }
}

/** This page's configuration. */
export function config(): AppConfig {
  const c = window.__SB__;
  if (!c) throw new Error("sandbox app shell without window.__SB__");
  return c;
}

/** What the shared markup renderers need. */
export function renderCtx(): RenderCtx {
  const c = config();
  return { variant: c.variant, user: c.user, nowMs: c.nowMs };
}
