/**
 * Leak detection for generated text: configured secrets (also with invisible characters or
 * spaces inserted), strings shaped like API keys or tokens, and runs of our own
 * instructions to the model (a prompt-extraction attack makes the model recite them).
 */
import { normalizeForRules } from "./normalize.js";

/** Consecutive words of an instruction that count as reciting it. */
export const INSTRUCTION_RUN_WORDS = 7;

const KNOWN_TOKENS: readonly RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}/, // OpenAI-style and similar API keys
  /\bgh[pousr]_[A-Za-z0-9]{20,}/, // GitHub tokens
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack tokens
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key ids
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // JWTs
];

const squash = (text: string): string => normalizeForRules(text).replace(/\s+/g, "");

/** True when `text` contains one of `secrets` (8+ characters), even with spaces or invisibles inserted. */
export function findSecret(text: string, secrets: readonly string[]): boolean {
  const squashed = squash(text);
  return secrets.some((s) => s.length >= 8 && (text.includes(s) || squashed.includes(squash(s))));
}

/** A redacted preview of the first token-looking string, or null. */
export function findTokenLike(text: string): string | null {
  const plain = text.normalize("NFKC");
  for (const pattern of KNOWN_TOKENS) {
    const m = pattern.exec(plain);
    if (m) return `${m[0].slice(0, 4)}…`;
  }
  for (const word of plain.match(/[A-Za-z0-9_\-+/=]{24,}/g) ?? []) {
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((c) => c.test(word)).length;
    if ((classes >= 2 && /[0-9]/.test(word)) || (classes >= 2 && /[-_]/.test(word))) return `${word.slice(0, 4)}…`;
  }
  return null;
}

function words(text: string): string[] {
  return normalizeForRules(text)
    .split(/[^a-z0-9']+/)
    .filter(Boolean);
}

/** True when `text` repeats INSTRUCTION_RUN_WORDS consecutive words of any instruction. */
export function findInstructionLeak(text: string, instructions: readonly string[]): boolean {
  const said = ` ${words(text).join(" ")} `;
  for (const instruction of instructions) {
    const w = words(instruction);
    for (let i = 0; i + INSTRUCTION_RUN_WORDS <= w.length; i++) {
      if (said.includes(` ${w.slice(i, i + INSTRUCTION_RUN_WORDS).join(" ")} `)) return true;
    }
  }
  return false;
}
