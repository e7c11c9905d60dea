/**
 * Security headers of every dashboard and API response (the local server's static files and
 * routes; on Vercel the routes set them, and vercel.json sets the same for public/). The
 * dashboard is plain ES modules, one stylesheet and vendored uPlot, all same-origin, with no
 * inline script or style, so `default-src 'self'` holds; nothing may frame it. Images may also
 * come from blob: URLs: the media thumbnails, fetched with the admin token (/api/media).
 */

/** The Content-Security-Policy. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** The headers, lower-case names. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
});
