/**
 * A bundled Chromium started as a separate process and reached over CDP (the `cdp` provider, as
 * for an operator's own Chrome). Multi-process: single-process Chromium crashes on a second CDP
 * context. Stopping kills the whole process group and removes the profile.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sparticuz from "@sparticuz/chromium";

/** A running remote Chromium: its DevTools endpoint, process and profile directory. */
export interface CdpChromium {
  readonly endpoint: string;
  readonly process: ChildProcess;
  readonly profile: string;
}

/** Starts Chromium with a throwaway profile and resolves once DevTools listens (stderr is drained for the whole run). */
export async function startCdpChromium(profilePrefix: string): Promise<CdpChromium> {
  const profile = mkdtempSync(join(tmpdir(), profilePrefix));
  const args = [
    ...Sparticuz.args.filter((a) => !a.startsWith("--headless") && a !== "--single-process"),
    "--headless",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    `--user-data-dir=${profile}`,
    "--disable-background-networking",
    "--no-startup-window",
  ];
  const child = spawn(await Sparticuz.executablePath(), args, { detached: true, stdio: ["ignore", "ignore", "pipe"] });
  const endpoint = await new Promise<string>((done, fail) => {
    let text = "";
    // Keep draining stderr, so Chromium never blocks on a full pipe.
    child.stderr?.on("data", (chunk: Buffer) => {
      if (text.length < 10_000) text += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (match?.[1]) done(match[1]);
    });
    child.once("exit", () => fail(new Error(`remote chromium exited: ${text}`)));
  });
  return { endpoint, process: child, profile };
}

/** Kills the Chromium process group (if still running) and removes its profile. */
export async function stopCdpChromium(chromium: CdpChromium): Promise<void> {
  const child = chromium.process;
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child.once("exit", done));
    process.kill(-child.pid, "SIGKILL");
    await exited;
  }
  rmSync(chromium.profile, { recursive: true, force: true });
}
