/**
 * plan with the media library on real Postgres: with an LLM, a post on a topic gets a library
 * image tagged with that topic, never one whose alt text fails the gates (a banned phrase)
 * and never an untagged one; without one, evergreen posts carry the images they name, and a
 * post whose image's alt text fails the gates is rejected like a post whose text does.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { prepareImage } from "../../lib/content/media.js";
import { addMedia } from "../../lib/db/media.js";
import { listItems } from "../../lib/db/queue.js";
import { contentDir, planSetup, scriptedModel, singleJson, type PlanSetup } from "../support/job-fixtures.js";
import { services } from "../support/env.js";

const DAY = Date.UTC(2031, 2, 4, 10, 0, 0);

async function image(s: PlanSetup, color: string, alt: string, tags: string): Promise<string> {
  const bytes = await sharp({ create: { width: 50, height: 40, channels: 3, background: color } })
    .png()
    .toBuffer();
  const prepared = await prepareImage("i.png", bytes, alt, tags);
  if (!prepared.ok) throw new Error(prepared.reason);
  return (await addMedia(s.deps.clients.sql, { accountId: "default", ...prepared.image })).media.id;
}

describe.skipIf(!services().postgres)("plan and the media library", () => {
  it("an LLM post gets an image tagged with its topic whose alt text passes the gates", async () => {
    const texts = ["Partial indexes keep hot queries fast when most rows are archived.", "Name migrations after the change they make, not the ticket number."];
    const s = await planSetup("postgres", { model: scriptedModel(texts.map(singleJson)), contentDir: contentDir(["single"]) }, DAY);
    await image(s, "#111", "A chart to delve into index sizes", "databases");
    const clean = await image(s, "#222", "Bar chart: index size before and after a partial index", "databases,charts");
    await image(s, "#333", "A cat", "pets");
    const summary = (await s.run({ target: 2 })).summary as Record<string, unknown>;
    expect(summary).toMatchObject({ planned: 2, llm: 2 });
    const items = await listItems(s.deps.clients.sql, "default", { limit: 10 });
    expect(items.map((i) => i.media)).toEqual([[[clean]], [[clean]]]);
    expect((summary.rejected as Record<string, number>).banned).toBeGreaterThanOrEqual(1);
  });

  it("evergreen posts carry their images; one whose alt text has a banned phrase is rejected", async () => {
    const dir = contentDir(["single"]);
    const s = await planSetup("postgres", { model: null, contentDir: dir }, DAY);
    const bad = await image(s, "#444", "Let us delve into this diagram", "");
    const good = await image(s, "#555", "Diagram of a connection pool in front of Postgres", "");
    const post = (id: string, tweet: string, media: string[][]) => ({ id, topic: "databases", format: "single", tweets: [tweet], media });
    writeFileSync(
      join(dir, "evergreen.json"),
      JSON.stringify({
        posts: [
          post("bad-alt", "Pools exist because connections are expensive to open.", [[bad]]),
          post("good-alt", "A pool in front of Postgres turns a thousand clients into twenty connections.", [[good]]),
        ],
      }),
    );
    const summary = (await s.run({ target: 2 })).summary as Record<string, unknown>;
    expect(summary).toMatchObject({ planned: 1, evergreen: 1, rejected: { banned: 1 } });
    const [item, ...more] = await listItems(s.deps.clients.sql, "default", { limit: 10 });
    expect(more).toHaveLength(0);
    expect(item).toMatchObject({ source: "evergreen", media: [[good]] });
  });
});
