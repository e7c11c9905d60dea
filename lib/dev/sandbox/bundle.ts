/**
 * The page script: lib/dev/sandbox/app bundled with esbuild's JS API once per process, served
 * at a content-hashed path like x.com's `/responsive-web/client-web/main.<hash>.js`.
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { lazyUntilRejected } from "../../promise-cache.js";

/** The built page script. */
export interface AppBundle {
  /** URL path, e.g. "/responsive-web/client-web/main.3f9a1c2e.js". */
  path: string;
  code: string;
}

async function build(): Promise<AppBundle> {
  // esbuild is a dev dependency: loaded only when a sandbox starts.
  const esbuild = await import("esbuild");
  const entry = fileURLToPath(new URL("./app/main.ts", import.meta.url));
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    write: false,
    target: "es2020",
    platform: "browser",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = out.outputFiles[0]?.text;
  if (!code) throw new Error("esbuild produced no page script");
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 10);
  return { path: `/responsive-web/client-web/main.${hash}.js`, code };
}

/** The page script, built on first use and shared by every sandbox of the process. */
export const appBundle: () => Promise<AppBundle> = lazyUntilRejected(build);
