/**
 * `xbot media add` / `media list` and `xbot queue add --media / --quote` as a process
 * (bin/xbot.mjs) against real Postgres: a file whose extension lies, an oversized file and a
 * file without alt text are refused with a clear error and never stored; a phone JPEG with GPS
 * EXIF is stored without it (read back from the database's bytes); queue items reference the
 * library per tweet, and unknown ids, a 5th image or a bad quote URL are usage errors.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, services } from "../support/env.js";
import { runNode, type CapturedRun } from "../support/node-process.js";

const svc = services();
const BIN = join(process.cwd(), "bin/xbot.mjs");
const dir = mkdtempSync(join(tmpdir(), "xbot-cli-media-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function xbot(args: string[], env: Record<string, string>): Promise<CapturedRun> {
  return runNode([BIN, ...args], { env, cwd: dir, timeoutMs: 120_000, label: `xbot ${args.join(" ")}` });
}

function file(name: string, bytes: Buffer): string {
  writeFileSync(join(dir, name), bytes);
  return name;
}

describe.skipIf(!svc.postgres)("xbot media and queue add --media/--quote on Postgres", () => {
  let env: Record<string, string>;
  let databaseUrl: string;
  const count = async (): Promise<number> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return Number((await client.query("SELECT count(*)::int AS n FROM media")).rows[0].n);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase("climedia");
    env = {
      DATABASE_URL: databaseUrl,
      XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl,
      XBOT_STATE: "postgres",
      XBOT_DATA_DIR: mkdtempSync(join(dir, "data-")),
      XBOT_ADMIN_TOKEN: `admin-${randomBytes(12).toString("hex")}`,
      XBOT_SESSION_KEY: randomBytes(32).toString("hex"),
    };
    expect((await xbot(["migrate"], env)).code).toBe(0);
  }, 120_000);

  it("refuses a lying extension, an oversized file and a missing alt text, storing nothing", { timeout: 180_000 }, async () => {
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: "#f80" } })
      .png()
      .toBuffer();
    const noise = Buffer.alloc(2100 * 2100 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (Math.random() * 256) | 0;
    const big = await sharp(noise, { raw: { width: 2100, height: 2100, channels: 3 } })
      .jpeg({ quality: 100 })
      .toBuffer();
    const [lying, oversized, noAlt, notImage] = await Promise.all([
      xbot(["media", "add", file("orange.jpg", png), "--alt", "An orange square"], env),
      xbot(["media", "add", file("big.jpg", big), "--alt", "Static"], env),
      xbot(["media", "add", file("orange.png", png)], env),
      xbot(["media", "add", file("notes.gif", Buffer.from("just text\n")), "--alt", "text"], env),
    ]);
    expect(lying.code).toBe(1);
    expect(lying.stderr).toContain("refused: orange.jpg: its extension says JPEG, but its content is PNG");
    expect(oversized.code).toBe(1);
    expect(oversized.stderr).toMatch(/refused: big\.jpg is \d\.\d MB; x\.com takes JPEG files up to 5\.0 MB/);
    expect(noAlt.code).toBe(1);
    expect(noAlt.stderr).toContain("alt text is required");
    expect(notImage.code).toBe(1);
    expect(notImage.stderr).toContain("is not a PNG, JPEG, WebP or GIF image (judged by its content)");
    for (const r of [lying, oversized, noAlt, notImage]) expect(r.stderr).toContain("nothing was stored");
    expect(await count()).toBe(0);
  });

  it("stores a phone JPEG without its GPS EXIF (checked in the stored bytes), then queues it per tweet", { timeout: 180_000 }, async () => {
    const phone = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#08f" } })
      .jpeg()
      .withExif({ IFD0: { Make: "PhoneCo" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "52/1 31/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "13/1 24/1 0/1" } })
      .toBuffer();
    expect((await sharp(phone).metadata()).exif).toBeDefined();
    const added = await xbot(["media", "add", file("IMG_0001.JPG", phone), "--alt", "A blue square taken at home", "--tags", "Home,Blue", "--json"], env);
    expect(added.code, added.stderr).toBe(0);
    const media = JSON.parse(added.stdout).media as { id: string; mime: string; width: number; height: number; tags: string[] };
    expect(media).toMatchObject({ mime: "image/jpeg", width: 64, height: 48, tags: ["home", "blue"] });
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const stored = (await client.query("SELECT bytes, alt_text FROM media WHERE id = $1", [media.id])).rows[0] as { bytes: Buffer; alt_text: string };
    await client.end();
    expect(stored.alt_text).toBe("A blue square taken at home");
    expect(stored.bytes.includes(Buffer.from("Exif\0\0"))).toBe(false);
    expect(stored.bytes.includes(Buffer.from("PhoneCo"))).toBe(false);
    expect((await sharp(stored.bytes).metadata()).exif).toBeUndefined();

    const again = await xbot(["media", "add", file("copy.jpg", phone), "--alt", "Same picture"], env);
    expect(again.stdout).toContain(`already in the library as media #${media.id}`);
    const listed = await xbot(["media", "list", "--tag", "blue"], env);
    expect(listed.stdout).toMatch(new RegExp(`^${media.id}\\s+jpeg\\s+64x48\\s+home,blue\\s+A blue square`, "m"));

    const thread = await xbot(["queue", "add", "--thread", "one", "two", "three", "--media", media.id, "--media", `3=${media.id}`, "--json"], env);
    expect(thread.code, thread.stderr).toBe(0);
    expect(JSON.parse(thread.stdout).item).toMatchObject({ kind: "thread", media: [[media.id], [], [media.id]], quoteOf: null });
    const quote = await xbot(["queue", "add", "Worth a read", "--quote", "https://x.com/pg_guru/status/1790000000000000123?s=20", "--json"], env);
    expect(quote.code, quote.stderr).toBe(0);
    expect(JSON.parse(quote.stdout).item).toMatchObject({ kind: "single", quoteOf: "1790000000000000123", media: [] });
    const [unknown, five, badQuote, noTweet] = await Promise.all([
      xbot(["queue", "add", "hello", "--media", "999999"], env),
      xbot(["queue", "add", "hello", "--media", "1,2,3,4,5"], env),
      xbot(["queue", "add", "hello", "--quote", "https://example.com/status/1"], env),
      xbot(["queue", "add", "hello", "--media", `2=${media.id}`], env),
    ]);
    expect([unknown.code, five.code, badQuote.code, noTweet.code]).toEqual([2, 2, 2, 2]);
    expect(unknown.stderr).toContain("no media #999999 in the library");
    expect(five.stderr).toContain("x.com takes at most 4 per post");
    expect(badQuote.stderr).toContain("--quote must be a post URL");
    expect(noTweet.stderr).toContain("there is no tweet 2");
  });
});
