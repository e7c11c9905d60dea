/**
 * The one place that calls the Vercel AI SDK: a structured-output call
 * (`generateText` + `Output.object`) and the mapping of SDK errors onto XbotError codes:
 *   - provider/network failures (APICallError: 5xx, 429, 4xx, no response) -> llm_unavailable
 *   - output that does not parse or fails the schema, or no output  -> llm_invalid_output
 *   - the caller's abort signal fired                                 -> deadline
 *   - a missing API key                                               -> config_invalid
 */
import {
  APICallError,
  InvalidResponseDataError,
  JSONParseError,
  LoadAPIKeyError,
  NoContentGeneratedError,
  NoObjectGeneratedError,
  NoOutputGeneratedError,
  Output,
  RetryError,
  TypeValidationError,
  generateText,
  type LanguageModel,
} from "ai";
import type { z } from "zod";
import { XbotError } from "../errors.js";
import type { TokenUsage } from "./budget.js";

/** One structured-output request. */
export interface StructuredRequest<T> {
  readonly model: LanguageModel;
  readonly schema: z.ZodType<T>;
  /** Short name of the output (some providers pass it to the model). */
  readonly name: string;
  readonly instructions: string;
  readonly prompt: string;
  readonly signal?: AbortSignal | undefined;
  /** SDK retries on retryable provider errors. Default 1. */
  readonly maxRetries?: number | undefined;
  readonly temperature?: number | undefined;
}

/** A validated object and the tokens it cost. */
export interface StructuredResult<T> {
  readonly value: T;
  readonly usage: TokenUsage;
}

/** SDK usage -> TokenUsage (missing counts are 0). */
export function toTokenUsage(usage: { inputTokens?: number | undefined; outputTokens?: number | undefined } | undefined): TokenUsage {
  return { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 };
}

/** Calls the model with a schema-constrained output; errors are XbotErrors (see module doc). */
export async function generateStructured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
  if (request.signal?.aborted) throw new XbotError("deadline", "LLM call not started: the deadline has passed");
  try {
    const result = await generateText({
      model: request.model,
      instructions: request.instructions,
      prompt: request.prompt,
      output: Output.object({ schema: request.schema, name: request.name }),
      maxRetries: request.maxRetries ?? 1,
      ...(request.signal ? { abortSignal: request.signal } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    });
    return { value: result.output as T, usage: toTokenUsage(result.usage) };
  } catch (error) {
    throw mapLlmError(error, request.signal);
  }
}

function isInvalidOutput(error: unknown): boolean {
  return (
    NoObjectGeneratedError.isInstance(error) ||
    NoOutputGeneratedError.isInstance(error) ||
    JSONParseError.isInstance(error) ||
    TypeValidationError.isInstance(error) ||
    NoContentGeneratedError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error)
  );
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

/** Maps anything the SDK throws onto an XbotError code. */
export function mapLlmError(error: unknown, signal?: AbortSignal): XbotError {
  if (error instanceof XbotError) return error;
  if (RetryError.isInstance(error) && error.lastError !== undefined) {
    const inner = mapLlmError(error.lastError, signal);
    return new XbotError(inner.code, error.message, { cause: error, details: { ...inner.details, attempts: error.errors.length } });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isAbort(error, signal)) return new XbotError("deadline", `LLM call aborted: ${message}`, { cause: error });
  if (isInvalidOutput(error)) {
    const usage = NoObjectGeneratedError.isInstance(error) ? toTokenUsage(error.usage) : undefined;
    return new XbotError("llm_invalid_output", `LLM output invalid: ${message}`, { cause: error, details: usage ? { usage } : undefined });
  }
  if (APICallError.isInstance(error)) {
    return new XbotError("llm_unavailable", `LLM API error${error.statusCode ? ` ${error.statusCode}` : ""}: ${message}`, {
      cause: error,
      details: { statusCode: error.statusCode ?? null, providerRetryable: error.isRetryable },
    });
  }
  if (LoadAPIKeyError.isInstance(error)) return new XbotError("config_invalid", `LLM API key missing: ${message}`, { cause: error });
  return new XbotError("llm_unavailable", `LLM call failed: ${message}`, { cause: error });
}
