/**
 * Watches a page's GraphQL read answers by operation name. Start watching BEFORE the
 * navigation or click that triggers them, so no answer slips by. Bodies are read as they
 * arrive; a request that fails on the network is an `errors` answer with status 0.
 */
import type { Page, Request, Response } from "playwright-core";
import { operationOf, parseAnswer, READ_OPERATIONS, type GraphqlAnswer, type ReadOperation } from "./operations.js";

/** One answer seen on the page. */
export interface SeenAnswer {
  readonly op: ReadOperation;
  readonly answer: GraphqlAnswer;
  /** The request's `variables` (parsed from the query string), e.g. `{ cursor }`. */
  readonly variables: Record<string, unknown>;
}

/** A running watch; `stop()` removes the listeners. */
export interface GraphqlWatch {
  /** The answers of `op` seen so far, in arrival order. */
  seen(op: ReadOperation): readonly SeenAnswer[];
  /** Waits until `op` has more than `after` answers (default 0); the newest, or null after `timeoutMs`. */
  next(op: ReadOperation, timeoutMs: number, after?: number): Promise<SeenAnswer | null>;
  stop(): void;
}

const BODY_READ_MS = 10_000;
const POLL_MS = 50;

function readOp(request: Request): ReadOperation | null {
  const op = operationOf(request.url());
  return op && (READ_OPERATIONS as readonly string[]).includes(op) ? (op as ReadOperation) : null;
}

function variablesOf(request: Request): Record<string, unknown> {
  try {
    const raw = new URL(request.url()).searchParams.get("variables");
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function bodyOf(response: Response): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), BODY_READ_MS)));
  try {
    return await Promise.race([response.json().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts watching `page` for the read operations' answers. */
export function watchGraphql(page: Page): GraphqlWatch {
  const answers: SeenAnswer[] = [];
  const onResponse = (response: Response): void => {
    const op = readOp(response.request());
    if (!op) return;
    const variables = variablesOf(response.request());
    void bodyOf(response).then((json) => answers.push({ op, variables, answer: parseAnswer(op, response.status(), json) }));
  };
  const onFailed = (request: Request): void => {
    const op = readOp(request);
    if (op) answers.push({ op, variables: variablesOf(request), answer: { kind: "errors", status: 0, errors: [{ code: null, message: request.failure()?.errorText ?? "request failed" }] } });
  };
  page.on("response", onResponse);
  page.on("requestfailed", onFailed);
  const seen = (op: ReadOperation): SeenAnswer[] => answers.filter((a) => a.op === op);
  return {
    seen,
    async next(op, timeoutMs, after = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const list = seen(op);
        if (list.length > after) return list[list.length - 1] ?? null;
        if (Date.now() >= deadline || page.isClosed()) return null;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    stop() {
      page.off("response", onResponse);
      page.off("requestfailed", onFailed);
    },
  };
}
