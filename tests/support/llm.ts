/** AI SDK test models that answer with fixed structured output (no paid LLM in tests). */
import { MockLanguageModelV4 } from "ai/test";

/** A model whose every answer is `json` (stringified), with fixed token usage; the safety check (a `<draft>` prompt) gets `safety`. */
export function answeringModel(json: unknown, safety: unknown = { safe: true, reason: "fine" }): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doGenerate: async (options) => ({
      content: [{ type: "text" as const, text: JSON.stringify(promptText(options.prompt).includes("<draft>") ? safety : json) }],
      finishReason: { unified: "stop" as const, raw: "stop" },
      usage: { inputTokens: { total: 200, noCache: 200, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 40, text: 40, reasoning: undefined } },
      warnings: [],
    }),
  });
}

/** The text of every message of a call's prompt, joined (system and user). */
export function promptText(prompt: unknown): string {
  const parts: string[] = [];
  for (const message of prompt as { content: string | { type: string; text?: string }[] }[]) {
    if (typeof message.content === "string") parts.push(message.content);
    else for (const part of message.content) if (part.type === "text" && part.text) parts.push(part.text);
  }
  return parts.join("\n");
}

/**
 * A model that obeys whatever the post it replies to tells it: a reply prompt is answered
 * with `obey(postText)`, a generation prompt with `obey(promptText)` (as a single post), and
 * the safety check with `safety` (default: "safe"). Calls are counted by kind.
 */
export function obeyingModel(
  obey: (text: string) => string,
  safety: { safe: boolean; reason: string } = { safe: true, reason: "looks fine" },
): MockLanguageModelV4 & { calls: { reply: number; post: number; safety: number } } {
  const calls = { reply: 0, post: 0, safety: 0 };
  const model = new MockLanguageModelV4({
    doGenerate: async (options) => {
      const text = promptText(options.prompt);
      let json: unknown;
      if (text.includes("<draft>")) {
        calls.safety++;
        json = safety;
      } else if (text.includes("<post>")) {
        calls.reply++;
        json = { text: obey(/<post>\n([\s\S]*)\n<\/post>/.exec(text)?.[1] ?? "") };
      } else {
        calls.post++;
        json = { text: obey(text) };
      }
      return {
        content: [{ type: "text" as const, text: JSON.stringify(json) }],
        finishReason: { unified: "stop" as const, raw: "stop" },
        usage: { inputTokens: { total: 200, noCache: 200, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 40, text: 40, reasoning: undefined } },
        warnings: [],
      };
    },
  });
  return Object.assign(model, { calls });
}
