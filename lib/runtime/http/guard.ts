/**
 * Wraps a route: checks the method first (405 without touching anything), builds the
 * runtime for this invocation, and turns server-side failures into JSON. A configuration
 * error is the operator's mistake, not the client's: 500 with the message naming the
 * variables (no values). Anything else unexpected is a 500 without internals.
 */
import { ConfigError } from "../../config.js";
import { createLogger } from "../../log.js";
import { XbotError } from "../../errors.js";
import { createRuntime, type RuntimeOptions } from "../root.js";
import type { RuntimeDeps } from "../runner.js";
import { clientError, json, methodNotAllowed } from "./respond.js";

/** Builds the runtime of one invocation. */
export type RuntimeFactory = () => Promise<RuntimeDeps>;

/** The production factory: everything from process.env. */
export const defaultFactory =
  (options?: RuntimeOptions): RuntimeFactory =>
  () =>
    createRuntime(options);

type Handler = (request: Request, deps: RuntimeDeps) => Promise<Response>;

/** A route handler with method checking, runtime creation and error mapping. */
export function guarded(factory: RuntimeFactory | undefined, handler: Handler, methods: readonly string[] = ["GET", "POST"]): (request: Request) => Promise<Response> {
  return async (request) => {
    if (!methods.includes(request.method)) return methodNotAllowed(methods);
    let deps: RuntimeDeps;
    try {
      deps = await (factory ?? defaultFactory())();
    } catch (error) {
      return startupError(error);
    }
    try {
      return await handler(request, deps);
    } catch (error) {
      if (error instanceof XbotError && error.code === "not_found") return clientError(404, "not_found", error.message);
      deps.log.error("unhandled error in route", { error: error instanceof XbotError ? error.toJSON() : String(error) });
      return json(500, { error: "internal", message: "unexpected error; see the function logs" });
    }
  };
}

function startupError(error: unknown): Response {
  if (error instanceof ConfigError) return json(500, { error: "config_invalid", message: error.message });
  const log = createLogger();
  log.error("runtime could not start", { error: error instanceof XbotError ? error.toJSON() : String(error) });
  const code = error instanceof XbotError ? error.code : "internal";
  return json(503, { error: code, message: "xbot could not start this invocation; see the function logs" });
}
