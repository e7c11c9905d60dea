/**
 * The browser, side by side in one run:
 * 1. acquisition to the first usable page: lib/browser's openBrowser + withPage against a bare
 *    chromium.launch + newPage (same binary, same flags), warm, plus the cold start of a fresh
 *    process including @sparticuz/chromium's brotli unpack;
 * 2. reading the metrics of 50 sandbox tweets sequentially vs N parallel pages in one browser
 *    (wall time, speed-up, peak RSS of the Chromium process);
 * 3. request blocking on vs off on a page with 20 images and 4 web fonts (bytes counted at the
 *    server, time to the load event).
 */
import Sparticuz from "@sparticuz/chromium";
import type { BenchServices } from "../lib/services.js";
import { benchAcquisition } from "./acquisition.js";
import { startAssetServer } from "./assets.js";
import { benchBlocking } from "./blocking.js";
import { benchColdStart } from "./cold-start.js";
import { benchScraping } from "./scraping.js";

/** Runs the benchmark and returns its markdown section. */
export async function benchBrowser(_services: BenchServices): Promise<string> {
  await Sparticuz.executablePath(); // unpacked once up front: the warm numbers exclude the unpack
  const server = await startAssetServer();
  try {
    const acquisition = await benchAcquisition(server);
    const cold = await benchColdStart(server);
    const scraping = await benchScraping();
    const blocking = await benchBlocking(server);
    return ["## Browser", "", acquisition, "", cold, "", scraping, "", blocking].join("\n");
  } finally {
    await server.close();
  }
}
