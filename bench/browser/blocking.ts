/**
 * Section 3: request blocking on a page with IMAGES images, FONTS web fonts and a cacheable
 * script: the default (image and font by launch flag), a list with `media` (which needs the
 * route, and so turns the HTTP cache off), and blocking off. Bytes are counted at the server;
 * time is to the load event.
 */
import { loadavg } from "node:os";
import { openBrowser, sparticuzProvider, type ResourceType } from "../../lib/browser/index.js";
import { silentLogger } from "../../lib/log.js";
import { summarise, table } from "../lib/measure.js";
import { ASSET_BYTES, FONTS, IMAGES, SCRIPT_BYTES, type AssetServer } from "./assets.js";
import { loadNote, pct } from "./notes.js";

const BLOCK_ITERATIONS = 20;
const WAN_DELAY_MS = 25;

/** Loads the asset page with each blocking variant, on loopback and with a WAN delay, and returns the markdown subsection. */
export async function benchBlocking(server: AssetServer): Promise<string> {
  const variants = [
    { name: "default: image, font (launch flags)", block: undefined as readonly ResourceType[] | undefined },
    { name: "image, media, font (flags + route)", block: ["image", "media", "font"] as readonly ResourceType[] },
    { name: "blocking off", block: [] as readonly ResourceType[] },
  ];
  const rows: (string | number)[][] = [];
  const results: Record<string, { ms: number; bytes: number }> = {};
  const loadBefore = loadavg()[0] ?? 0;
  for (const delayMs of [0, WAN_DELAY_MS]) {
    server.setDelay(delayMs);
    const sessions = await Promise.all(variants.map((v) => openBrowser({ provider: sparticuzProvider(), logger: silentLogger, ...(v.block ? { blockResources: v.block } : {}) })));
    try {
      const samples = variants.map(() => ({ ms: [] as number[], bytes: [] as number[], requests: [] as number[] }));
      for (let i = -1; i < BLOCK_ITERATIONS; i++) {
        for (let k = 0; k < variants.length; k++) {
          const index = (i + 1 + k) % variants.length;
          const before = server.counters();
          const started = performance.now();
          await sessions[index]!.withPage("assets", (page) => page.goto(`${server.url}/page?i=${i}-${index}-${delayMs}`, { waitUntil: "load" }));
          const ms = performance.now() - started;
          const after = server.counters();
          if (i < 0) continue; // warm-up
          samples[index]!.ms.push(ms);
          samples[index]!.bytes.push(after.bytes - before.bytes);
          samples[index]!.requests.push(after.requests - before.requests);
        }
      }
      variants.forEach((v, index) => {
        const s = samples[index]!;
        const ms = summarise(s.ms).medianMs;
        const p95 = summarise(s.ms).p95Ms;
        const bytes = summarise(s.bytes).medianMs;
        results[`${delayMs}:${index}`] = { ms, bytes };
        const stats = sessions[index]!.stats();
        rows.push([
          delayMs === 0 ? "loopback" : `+${delayMs} ms per response`,
          v.name,
          summarise(s.requests).medianMs,
          Math.round(bytes / 1024),
          `${ms} / ${p95}`,
          Math.round(stats.requestsBlocked / (BLOCK_ITERATIONS + 1)),
        ]);
      });
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
  }
  server.setDelay(0);
  const ratio = (delay: number, field: "ms" | "bytes", variant = 0) => results[`${delay}:${variant}`]![field] / results[`${delay}:2`]![field];
  return [
    `### Request blocking (${IMAGES} images + ${FONTS} web fonts of ${ASSET_BYTES / 1024} KiB each, one ${SCRIPT_BYTES / 1024} KiB cacheable script)`,
    "",
    `Method: one local page (127.0.0.1) with ${IMAGES} <img>, ${FONTS} @font-face fonts used by visible text, and one ${SCRIPT_BYTES / 1024} KiB script. ` +
      `Every image and font is ${ASSET_BYTES / 1024} KiB with Cache-Control: no-store and a per-load query string; the script has a stable URL and ` +
      "Cache-Control: max-age=3600, like X's bundles. Bytes and requests are counted at the server (response bodies, HTML included) per load; " +
      `time is page.goto until the load event. One session per variant, ${BLOCK_ITERATIONS} loads each after one warm-up (which caches the script), ` +
      "variants rotated; medians. Adding `media` to the list needs a Playwright route, which pauses every request in Node and turns the HTTP cache off " +
      `(microsoft/playwright#7220), so the script is fetched on every load. The "+${WAN_DELAY_MS} ms" rows delay every response at the server to model ` +
      "a WAN round trip (loopback has none).",
    "",
    table(["link", "variant", "requests / load", "KiB served / load", "ms to load (median / p95)", "requests blocked by the route / load"], rows),
    "",
    `Default blocking / off: bytes served ${pct(ratio(0, "bytes"))}, time to load ${pct(ratio(0, "ms"))} on loopback and ` +
      `${pct(ratio(WAN_DELAY_MS, "ms"))} with +${WAN_DELAY_MS} ms per response. With the route (media added): bytes ${pct(ratio(0, "bytes", 1))} of off, ` +
      `time ${pct(ratio(0, "ms", 1))} on loopback and ${pct(ratio(WAN_DELAY_MS, "ms", 1))} with +${WAN_DELAY_MS} ms. ${loadNote(loadBefore)}`,
  ].join("\n");
}
