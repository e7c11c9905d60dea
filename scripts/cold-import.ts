/**
 * Cold import of a built function, as Vercel starts it: a fresh `node` process importing the
 * handler from a COPY of the `.func` directory outside the project tree, with NODE_PATH
 * unset, so a package the bundle lacks fails to import instead of resolving upward to the
 * project's node_modules.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

/**
 * A function directory copied outside the project tree, as it is deployed: with the files of
 * its `.vc-config.json` `filePathMap` (vercel build's includeFiles, e.g. lib/db/migrations),
 * which vercel build leaves in the project and `vercel deploy --prebuilt` uploads from
 * `projectRoot`. `dispose` removes the copy.
 */
export function isolatedCopy(funcDir: string, projectRoot = process.cwd()): { dir: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), "xbot-cold-"));
  const dir = join(root, basename(funcDir));
  cpSync(funcDir, dir, { recursive: true, dereference: true });
  const vcPath = join(dir, ".vc-config.json");
  const map = existsSync(vcPath) ? ((JSON.parse(readFileSync(vcPath, "utf8")) as { filePathMap?: Record<string, string> }).filePathMap ?? {}) : {};
  for (const [inFunction, inProject] of Object.entries(map)) {
    mkdirSync(dirname(join(dir, inFunction)), { recursive: true });
    cpSync(join(projectRoot, inProject), join(dir, inFunction));
  }
  return { dir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** The environment of a cold start: this one without NODE_PATH (nothing outside the bundle resolves). */
export function coldEnv(): NodeJS.ProcessEnv {
  const { NODE_PATH: _dropped, ...env } = process.env;
  return env;
}

/** Wall time (ms) of `node` starting in `cwd` and running the ESM `code`; throws with node's error when it fails. */
export function coldStartMs(cwd: string, code: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd, encoding: "utf8", env: coldEnv() });
  if (result.status !== 0)
    throw new Error(
      `cold import failed in ${cwd}: ${
        result.stderr
          .trim()
          .split("\n")
          .find((l) => /Error/.test(l)) ?? result.stderr.slice(0, 300)
      }`,
    );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The ESM snippet that imports a handler and checks it exports a route. */
export function importCode(handler: string): string {
  return `const m = await import("./${handler}"); if (!m.GET && !m.POST) { console.error("Error: no GET or POST export"); process.exit(2); }`;
}

/** Median-ready samples of cold imports of `handler` from an isolated copy of `funcDir`. */
export function coldImportSamples(funcDir: string, handler: string, runs: number): number[] {
  const copy = isolatedCopy(funcDir);
  try {
    return Array.from({ length: runs }, () => coldStartMs(copy.dir, importCode(handler)));
  } finally {
    copy.dispose();
  }
}

/** One request a cold function answers: method, URL and headers of a web `Request`, and the environment it starts with. */
export interface ColdRequest {
  /** Absent: the handler's GET, else its POST. */
  readonly method?: "GET" | "POST";
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** Added to coldEnv() (so a request can point the function at a database or leave it without one). */
  readonly env?: Record<string, string>;
}

/** What the handler answered: the method called, status and body text. */
export interface ColdAnswer {
  readonly method: string;
  readonly status: number;
  readonly body: string;
}

/** Marks the line of stdout that carries the answer. */
const ANSWER = "xbot-cold-answer:";

/**
 * The ESM snippet that imports a handler and calls it as Vercel's Node runtime does for
 * api/*.ts that export web handlers (`export const GET = (request: Request) => Response`),
 * then prints the answer as one JSON line on stdout, after {@link ANSWER} (the function's logs go to stdout too).
 */
export function requestCode(handler: string, request: ColdRequest): string {
  const methods = JSON.stringify(request.method ? [request.method] : ["GET", "POST"]);
  return [
    `const m = await import("./${handler}");`,
    `const method = ${methods}.find((name) => typeof m[name] === "function");`,
    `if (!method) { console.error("Error: no ${request.method ?? "GET or POST"} export"); process.exit(2); }`,
    `const res = await m[method](new Request(${JSON.stringify(request.url)}, { method, headers: ${JSON.stringify(request.headers ?? {})} }));`,
    `process.stdout.write("\\n${ANSWER}" + JSON.stringify({ method, status: res.status, body: await res.text() }) + "\\n");`,
    // The handler's clients open nothing that outlives the answer; exit now rather than wait on keep-alive sockets.
    "process.exit(0);",
  ].join("\n");
}

/**
 * Wall time (ms) of a fresh `node` that imports `handler` from `cwd` and answers `request`
 * (asynchronous, so services in this process can answer the function). Throws with node's error.
 */
export function coldRequest(cwd: string, handler: string, request: ColdRequest): Promise<{ ms: number; answer: ColdAnswer }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ["--input-type=module", "-e", requestCode(handler, request)], { cwd, env: { ...coldEnv(), ...request.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0)
        return reject(
          new Error(
            `cold request failed in ${cwd}: ${
              stderr
                .trim()
                .split("\n")
                .find((l) => /Error/.test(l)) ?? stderr.slice(0, 300)
            }`,
          ),
        );
      const line = stdout.split("\n").find((l) => l.startsWith(ANSWER));
      try {
        resolve({ ms, answer: JSON.parse(line?.slice(ANSWER.length) ?? "") as ColdAnswer });
      } catch {
        reject(new Error(`cold request in ${cwd} printed no answer: ${stdout.slice(0, 200)}`));
      }
    });
  });
}
