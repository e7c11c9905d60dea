/** The rule gates' settings from the configuration: allowlisted domains, cashtags, secrets, our instructions. */
import { configSecrets, type Config } from "../config.js";
import { postInstructions, replyInstructions, safetyInstructions } from "./prompts.js";
import type { RuleOptions } from "./rules.js";

/** Every instruction text we send a model (what a leak must not repeat). */
export function ourInstructions(): string[] {
  return [postInstructions("single"), postInstructions("thread"), replyInstructions(), safetyInstructions()];
}

/** Rule options for a post, or for a reply to `replyTo`. */
export function ruleOptions(config: Config, kind: "post" | "reply", replyTo?: string): RuleOptions {
  return {
    kind,
    replyTo,
    linkDomains: config.XBOT_LINK_DOMAINS,
    allowCashtags: config.XBOT_ALLOW_CASHTAGS,
    secrets: configSecrets(config),
    instructions: ourInstructions(),
  };
}
