/**
 * The operator's content files plan reads on every run: the topic plan, the evergreen
 * library and the banned phrases (content/*.json, bundled with every job function).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBannedPhrases } from "../../content/banned.js";
import { loadEvergreen, type EvergreenPost } from "../../content/evergreen.js";
import { loadTopics, type TopicPlan } from "../../content/topics.js";
import { accountContent } from "../../content/account-settings.js";
import type { Config } from "../../config.js";

/** The bundled content directory (vercel.json includes `content/**` in every job function). */
export const CONTENT_DIR = fileURLToPath(new URL("../../../content/", import.meta.url));

/** The validated content files. */
export interface PlanContent {
  readonly plan: TopicPlan;
  readonly library: readonly EvergreenPost[];
  readonly banned: readonly string[];
}

/** The content with an account's own topics and evergreen library in place of the files' (its settings; the env's account: unchanged). */
export function withAccountContent(content: PlanContent, config: Config): PlanContent {
  const own = accountContent(config);
  return {
    ...content,
    ...(own.topics ? { plan: Object.freeze({ ...content.plan, topics: own.topics }) } : {}),
    ...(own.evergreen ? { library: own.evergreen } : {}),
  };
}

/** Loads topics.json, evergreen.json and banned.json from `dir`; a bad file is `config_invalid`. */
export async function loadPlanContent(dir: string = CONTENT_DIR): Promise<PlanContent> {
  const [plan, library, banned] = await Promise.all([loadTopics(join(dir, "topics.json")), loadEvergreen(join(dir, "evergreen.json")), loadBannedPhrases(join(dir, "banned.json"))]);
  return { plan, library, banned };
}
