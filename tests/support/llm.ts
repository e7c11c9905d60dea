/** AI SDK test models that answer with fixed structured output (no paid LLM in tests). */
import { MockLanguageModelV4 } from "ai/test";

/** A model whose every answer is `json` (stringified), with fixed token usage. */
export function answeringModel(json: unknown): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doGenerate: async () => ({
      content: [{ type: "text" as const, text: JSON.stringify(json) }],
      finishReason: { unified: "stop" as const, raw: "stop" },
      usage: { inputTokens: { total: 200, noCache: 200, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 40, text: 40, reasoning: undefined } },
      warnings: [],
    }),
  });
}
