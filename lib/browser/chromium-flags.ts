/**
 * Command-line flags for the Chromium we launch: the provider's base flags, minus the ones
 * that weaken a logged-in browser, plus flags that stop Chromium phoning home.
 */

/**
 * Flags that stop background traffic (updates, sync, QUIC probes, first-run work).
 * The machines we run on may have no network besides the target site and the proxy.
 */
export const OFFLINE_FLAGS: readonly string[] = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-default-apps",
  "--disable-client-side-phishing-detection",
  "--metrics-recording-only",
];

/**
 * @sparticuz/chromium flags we drop: a browser holding an X session must keep the
 * same-origin policy and must not load mixed content.
 */
export const UNSAFE_FLAGS: readonly string[] = ["--disable-web-security", "--allow-running-insecure-content"];

/**
 * A fixed UI language: X formats counts by locale ("8.4K" vs "8,4 k"), and a machine with
 * LANG=C makes Chromium report "en-US@posix", which Intl rejects.
 */
export const LOCALE_FLAGS: readonly string[] = ["--lang=en-US"];

/** Base flags + {@link OFFLINE_FLAGS} + {@link LOCALE_FLAGS} + extra, without {@link UNSAFE_FLAGS} or exact duplicates (first wins). */
export function buildChromiumArgs(base: readonly string[], extra: readonly string[] = []): string[] {
  const drop = new Set(UNSAFE_FLAGS);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const flag of [...base, ...OFFLINE_FLAGS, ...LOCALE_FLAGS, ...extra]) {
    if (drop.has(flag) || seen.has(flag)) continue;
    seen.add(flag);
    out.push(flag);
  }
  return out;
}
