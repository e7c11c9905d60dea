/**
 * Content generation over any OpenAI-compatible endpoint with the Vercel AI SDK:
 * new posts (single or thread), replies grounded in the target post, and an optional
 * LLM safety check. All use schema-constrained output (see llm.ts for error mapping).
 */
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";
import { z } from "zod";
import type { TokenUsage } from "./budget.js";
import type { SafetyVerdict } from "./gates.js";
import { generateStructured } from "./llm.js";
import { postInstructions, postPrompt, replyInstructions, replyPrompt, safetyInstructions, safetyPrompt } from "./prompts.js";
import type { Format, Topic } from "./topics.js";

/** Where and how to reach the model. */
export interface LlmOptions {
  /** OpenAI-compatible base URL (e.g. https://api.groq.com/openai/v1); absent means OpenAI. */
  readonly baseURL?: string | undefined;
  readonly apiKey: string;
  readonly model: string;
  /** Wire API. Default: "responses" for OpenAI itself, "chat" (chat completions) for a custom baseURL, which most compatible servers implement. */
  readonly api?: "chat" | "responses";
  /** Custom fetch (tests, proxies). */
  readonly fetch?: typeof globalThis.fetch;
}

/** A language model for the options (no network until the first call). */
export function createLlm(options: LlmOptions): LanguageModel {
  const provider = createOpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const api = options.api ?? (options.baseURL ? "chat" : "responses");
  return api === "chat" ? provider.chat(options.model) : provider.responses(options.model);
}

// The JSON schema sent stays inside the subset every strict structured-output mode accepts:
// no length or count keywords. The 2-6 tweet count is a zod refinement (checked locally, so a
// bad count is llm_invalid_output); empty or over-long tweets are caught by the length gate.
/** Schema of a single post. */
export const singleSchema = z.object({ text: z.string().describe("The tweet text") });
/** Schema of a thread. */
export const threadSchema = z.object({
  tweets: z
    .array(z.string())
    .refine((t) => t.length >= 2 && t.length <= 6, "a thread has 2 to 6 tweets")
    .describe("The 2 to 6 tweets of the thread, in order"),
});
const replySchema = z.object({ text: z.string().describe("The reply text") });
const safetySchema = z.object({ safe: z.boolean(), reason: z.string() });

/** Common call options. */
export interface CallOptions {
  readonly model: LanguageModel;
  readonly signal?: AbortSignal | undefined;
  readonly maxRetries?: number | undefined;
}

/** A generated post and its token usage. */
export interface GeneratedPost {
  readonly tweets: string[];
  readonly usage: TokenUsage;
}

/** Generates a post on `topic` in `format`; throws llm_unavailable / llm_invalid_output / deadline XbotErrors. */
export async function generatePost(options: CallOptions & { topic: Topic; format: Format; recentTexts: readonly string[]; voice?: string | undefined }): Promise<GeneratedPost> {
  const { voice, ...rest } = options;
  const base = { ...rest, instructions: postInstructions(options.format, voice), prompt: postPrompt(options.topic, options.recentTexts) };
  if (options.format === "thread") {
    const { value, usage } = await generateStructured({ ...base, schema: threadSchema, name: "thread" });
    return { tweets: value.tweets.map((t) => t.trim()), usage };
  }
  const { value, usage } = await generateStructured({ ...base, schema: singleSchema, name: "post" });
  return { tweets: [value.text.trim()], usage };
}

/** Generates a reply grounded in the target post's text. */
export async function generateReply(options: CallOptions & { targetText: string; targetAuthor: string }): Promise<{ text: string; usage: TokenUsage }> {
  const { value, usage } = await generateStructured({
    ...options,
    schema: replySchema,
    name: "reply",
    instructions: replyInstructions(),
    prompt: replyPrompt(options.targetText, options.targetAuthor),
  });
  return { text: value.text.trim(), usage };
}

/** Asks the model whether `text` is safe to publish. Bind it for the gates: `(t) => safetyCheck(model, t)`. */
export async function safetyCheck(model: LanguageModel, text: string, options: { signal?: AbortSignal; maxRetries?: number } = {}): Promise<SafetyVerdict & { usage: TokenUsage }> {
  const { value, usage } = await generateStructured({
    model,
    ...options,
    schema: safetySchema,
    name: "safety_verdict",
    instructions: safetyInstructions(),
    prompt: safetyPrompt(text),
  });
  return value.safe ? { success: true, usage } : { success: false, reason: value.reason || "judged unsafe", usage };
}
