/**
 * Section 1: acquisition to the first usable page, warm (binary already unpacked): lib/browser's
 * openBrowser + withPage against a bare chromium.launch + newPage with EXACTLY lib's flags (the
 * same binary, buildChromiumArgs over the provider's base flags, the default native blocking
 * flags, and a per-launch marker flag like lib's), so the ratio is lib's own overhead.
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import Sparticuz from "@sparticuz/chromium";
import { chromium } from "playwright-core";
import { buildChromiumArgs, DEFAULT_BLOCKED_RESOURCES, openBrowser, sparticuzProvider, type ResourceType } from "../../lib/browser/index.js";
import { nativeBlockFlags, planBlocking } from "../../lib/browser/request-blocking.js";
import { silentLogger } from "../../lib/log.js";
import { round, summarise, table } from "../lib/measure.js";
import type { AssetServer } from "./assets.js";
import { loadNote } from "./notes.js";

const ACQUIRE_ITERATIONS = 30;

/** The flags lib/browser launches the Sparticuz provider with by default (provider.ts + launched-browser.ts), minus nothing. */
export function libLaunchArgs(): string[] {
  return [...buildChromiumArgs(Sparticuz.args, nativeBlockFlags(planBlocking(DEFAULT_BLOCKED_RESOURCES, true).native)), `--xbot-run=${randomUUID()}`];
}

type Acquirer = { name: string; run: (url: string) => Promise<{ readyMs: number; closeMs: number }> };

const acquirers: Acquirer[] = [
  {
    name: "openBrowser + withPage (default: images and fonts blocked by flag)",
    run: (url) => viaLib(url, undefined),
  },
  {
    name: "openBrowser + withPage (blockResources: [])",
    run: (url) => viaLib(url, []),
  },
  {
    name: "bare chromium.launch + newPage, lib's exact flags (baseline)",
    run: async (url) => {
      const started = performance.now();
      const browser = await chromium.launch({ executablePath: await Sparticuz.executablePath(), args: libLaunchArgs(), headless: true });
      try {
        const page = await browser.newPage();
        await page.goto(url);
        const readyMs = performance.now() - started;
        const closing = performance.now();
        await browser.close();
        return { readyMs, closeMs: performance.now() - closing };
      } finally {
        await browser.close().catch(() => {});
      }
    },
  },
];

/** The clock stops inside withPage, once goto resolved: the page is usable then. Closing it counts as close time. */
async function viaLib(url: string, blockResources: readonly ResourceType[] | undefined): Promise<{ readyMs: number; closeMs: number }> {
  const started = performance.now();
  const session = await openBrowser({ provider: sparticuzProvider(), logger: silentLogger, ...(blockResources ? { blockResources } : {}) });
  try {
    let ready = Number.NaN;
    await session.withPage("bench", async (page) => {
      await page.goto(url);
      ready = performance.now();
    });
    await session.close();
    return { readyMs: ready - started, closeMs: performance.now() - ready };
  } finally {
    await session.close();
  }
}

/** Times every acquirer against `${server.url}/tiny` and returns the markdown subsection. */
export async function benchAcquisition(server: AssetServer): Promise<string> {
  const url = `${server.url}/tiny`;
  for (const a of acquirers) await a.run(url); // warm-up: page cache, V8 code of both paths
  const loadBefore = loadavg()[0] ?? 0;
  const ready = acquirers.map(() => [] as number[]);
  const close = acquirers.map(() => [] as number[]);
  for (let i = 0; i < ACQUIRE_ITERATIONS; i++) {
    // Rotate the order every iteration so drift (thermal, page cache) hits every variant alike.
    for (let k = 0; k < acquirers.length; k++) {
      const index = (i + k) % acquirers.length;
      const result = await acquirers[index]!.run(url);
      ready[index]!.push(result.readyMs);
      close[index]!.push(result.closeMs);
    }
  }
  const load = loadNote(loadBefore);
  const baseline = summarise(ready[acquirers.length - 1]!).medianMs;
  const baselineMin = Math.min(...ready[acquirers.length - 1]!);
  const bare = ready[acquirers.length - 1]!;
  const rows = acquirers.map((a, i) => {
    const r = summarise(ready[i]!);
    const c = summarise(close[i]!);
    const min = Math.min(...ready[i]!);
    const paired = summarise(ready[i]!.map((ms, n) => ms / bare[n]!)).medianMs;
    return [a.name, `${r.medianMs} / ${r.p95Ms}`, round(min), `${(r.medianMs / baseline).toFixed(2)}×`, `${(min / baselineMin).toFixed(2)}×`, `${paired.toFixed(2)}×`, `${c.medianMs}`];
  });
  const ratio = summarise(ready[0]!).medianMs / baseline;
  return [
    "### Acquisition: launch to the first usable page (warm, binary already unpacked)",
    "",
    `Method: each variant launches the bundled @sparticuz/chromium ${Sparticuz.args.includes("--single-process") ? "(--single-process) " : ""}and navigates one page to a tiny local HTML page ` +
      `(127.0.0.1, ~100 bytes); the clock stops when page.goto resolves. ${ACQUIRE_ITERATIONS} iterations per variant after one warm-up each, ` +
      "the variants rotated every iteration; median / p95 (nearest rank). The baseline launches with exactly the flags lib/browser launches with by default " +
      "(the provider's base flags through buildChromiumArgs: offline flags on, unsafe flags off; the two flags that block images and fonts; a per-launch marker flag), " +
      "so what remains is lib's own work: the /proc lookup of the Chromium pid, a new context with service workers blocked, " +
      "and the byte counter; the default list needs no request route. " +
      "Close is measured separately (lib: page close, graceful browser close and profile-dir removal; bare: browser.close()). " +
      "The minimum is the least noise-sensitive estimate of the intrinsic cost on a shared machine; the paired ratio is the median of " +
      `(variant / bare) over the iterations, both measured within the same rotation, which cancels slow drift. ${load}`,
    "",
    table(["variant", "ready ms (median / p95)", "ready ms (min)", "ratio to bare (median)", "ratio to bare (min)", "paired ratio (median)", "close ms (median)"], rows),
    "",
    `Ratio openBrowser (default) / bare = **${ratio.toFixed(2)}** by median, ${(Math.min(...ready[0]!) / baselineMin).toFixed(2)} by minimum (target ≤ 1.10).`,
  ].join("\n");
}
