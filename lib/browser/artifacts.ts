/**
 * Failure artifacts: a screenshot and a trimmed HTML excerpt of the page an operation failed
 * on, saved through an {@link ArtifactSink}. Capture is bounded in time and size, and never
 * throws: a failed capture must not hide the original error.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { XbotError } from "../errors.js";
import { settlesWithin } from "./teardown.js";

/** One failure artifact. */
export interface Artifact {
  /** The withPage operation name. */
  readonly operation: string;
  /** The error being thrown (already mapped to its XbotError code). */
  readonly error: XbotError;
  /** PNG, at most {@link ArtifactLimits.maxScreenshotBytes}. */
  readonly screenshot?: Buffer;
  /** HTML excerpt (scripts and styles emptied), at most {@link ArtifactLimits.maxHtmlBytes}. */
  readonly html?: string;
  /** The page URL at failure time. */
  readonly url?: string;
}

/** Where artifacts go. Returns an id (or path) that is attached to the error's details. */
export interface ArtifactSink {
  /** Persists the artifact; returns its id. */
  save(artifact: Artifact): Promise<string>;
}

/** Size and time caps of a capture. */
export interface ArtifactLimits {
  /** HTML excerpt cap (UTF-8 bytes); longer HTML is cut with a marker. */
  readonly maxHtmlBytes: number;
  /** Screenshot cap; a larger PNG is dropped. */
  readonly maxScreenshotBytes: number;
  /** Budget for screenshot + HTML together. */
  readonly captureTimeoutMs: number;
}

/** Default caps: 200 KB of HTML, 1 MB of PNG, 2 s. */
export const DEFAULT_ARTIFACT_LIMITS: ArtifactLimits = { maxHtmlBytes: 200_000, maxScreenshotBytes: 1_000_000, captureTimeoutMs: 2_000 };

/** Saves `<id>.png`, `<id>.html` and `<id>.json` (operation, error, url) under `dir`; returns the id. */
export function fileArtifactSink(dir: string): ArtifactSink {
  return {
    async save(artifact) {
      const slug = artifact.operation.replace(/[^a-z0-9_-]+/gi, "-").slice(0, 40);
      const id = `${new Date().toISOString().replace(/[:.]/g, "-")}-${slug}-${randomBytes(4).toString("hex")}`;
      await mkdir(dir, { recursive: true });
      const meta = { id, operation: artifact.operation, url: artifact.url, error: artifact.error.toJSON() };
      await writeFile(join(dir, `${id}.json`), JSON.stringify(meta, null, 2));
      if (artifact.screenshot) await writeFile(join(dir, `${id}.png`), artifact.screenshot);
      if (artifact.html !== undefined) await writeFile(join(dir, `${id}.html`), artifact.html);
      return id;
    },
  };
}

/** What a page still shows: screenshot (viewport) + HTML excerpt + URL, each optional. */
export async function capturePage(page: Page, limits: ArtifactLimits): Promise<Pick<Artifact, "screenshot" | "html" | "url">> {
  if (page.isClosed()) return {};
  const out: { screenshot?: Buffer; html?: string; url?: string } = { url: page.url() };
  const shot = page.screenshot({ type: "png", timeout: limits.captureTimeoutMs, animations: "disabled" }).then((png) => {
    if (png.byteLength <= limits.maxScreenshotBytes) out.screenshot = png;
  });
  const html = page.content().then((text) => {
    out.html = trimHtml(text, limits.maxHtmlBytes);
  });
  await settlesWithin(Promise.allSettled([shot, html]), limits.captureTimeoutMs);
  return { ...out };
}

/** Empties <script>/<style> bodies, then cuts to `maxBytes` UTF-8 bytes with a marker. */
export function trimHtml(html: string, maxBytes: number): string {
  const stripped = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, "$1$2").replace(/(<style\b[^>]*>)[\s\S]*?(<\/style>)/gi, "$1$2");
  const bytes = Buffer.from(stripped, "utf8");
  if (bytes.byteLength <= maxBytes) return stripped;
  const marker = "\n<!-- xbot: truncated -->";
  const cut = bytes
    .subarray(0, Math.max(0, maxBytes - Buffer.byteLength(marker)))
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  return cut + marker;
}
