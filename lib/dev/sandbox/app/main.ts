/**
 * The sandbox's page script (bundled by ../bundle.ts): installs the composer behaviour, then
 * renders the view of the current path from GraphQL answers, as x.com's single-page app does.
 */
import { routeOf } from "../routes.js";
import { renderCtx } from "./config.js";
import { installEvents } from "./events.js";
import { homeView, mentionsView, notFoundView } from "./pages.js";
import { profileView } from "./profile.js";
import { statusView } from "./status.js";

function boot(): void {
  installEvents();
  const ctx = renderCtx();
  const route = routeOf(location.pathname);
  if (route.kind === "home" || route.kind === "compose") homeView(ctx, route.kind === "compose");
  else if (route.kind === "mentions") mentionsView(ctx);
  else if (route.kind === "status") statusView(ctx, route.id);
  else if (route.kind === "profile") profileView(ctx, route.handle);
  else notFoundView(ctx);
}

boot();
