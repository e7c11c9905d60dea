/**
 * Image validation for the media library (lib/content/media.ts) with the real decoder: types
 * by content (a lying extension, a text file, a corrupt JPEG), x.com's size and dimension
 * limits, required alt text, and EXIF/GPS stripped from the bytes that would be stored.
 */
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { prepareImage, sniffImage } from "../../lib/content/media.js";

const png = (w = 40, h = 30) =>
  sharp({ create: { width: w, height: h, channels: 3, background: "#0a8" } })
    .png()
    .toBuffer();
const GPS_POINTER = [Buffer.from([0x88, 0x25]), Buffer.from([0x25, 0x88])];

/** A phone-style JPEG: camera make and a GPS position in its EXIF. */
async function gpsJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: "#08f" } })
    .jpeg()
    .withExif({ IFD0: { Make: "PhoneCo" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "52/1 31/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "13/1 24/1 0/1" } })
    .toBuffer();
}

describe("prepareImage", () => {
  it("accepts the four x.com types by content and reports real dimensions", async () => {
    const base = sharp({ create: { width: 120, height: 80, channels: 3, background: "#123" } });
    for (const [name, bytes, mime] of [
      ["a.png", await base.clone().png().toBuffer(), "image/png"],
      ["a.jpg", await base.clone().jpeg().toBuffer(), "image/jpeg"],
      ["a.webp", await base.clone().webp().toBuffer(), "image/webp"],
      ["a.gif", await base.clone().gif().toBuffer(), "image/gif"],
      ["no-extension", await base.clone().png().toBuffer(), "image/png"],
    ] as const) {
      const r = await prepareImage(name, bytes, "a dark blue rectangle");
      expect(r.ok ? { mime: r.image.mime, w: r.image.width, h: r.image.height } : r.reason).toEqual({ mime, w: 120, h: 80 });
    }
  });

  it("refuses a lying extension, a text file and a corrupt JPEG, naming what is wrong", async () => {
    const lying = await prepareImage("holiday.jpg", await png(), "a beach");
    expect(lying).toEqual({ ok: false, reason: expect.stringContaining("its extension says JPEG, but its content is PNG") });
    const text = await prepareImage("notes.png", Buffer.from("hello, I am not an image\n"), "text");
    expect(text).toEqual({ ok: false, reason: expect.stringContaining("is not a PNG, JPEG, WebP or GIF image (judged by its content)") });
    const jpeg = await gpsJpeg();
    const corrupt = await prepareImage("cut.jpg", jpeg.subarray(0, Math.floor(jpeg.length / 2)), "half a picture");
    expect(corrupt).toEqual({ ok: false, reason: expect.stringContaining("does not decode as JPEG") });
  });

  it("refuses a file over x.com's 5 MB image limit and images outside 4..8192 px", async () => {
    const noise = Buffer.alloc(2100 * 2100 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (Math.random() * 256) | 0;
    const big = await sharp(noise, { raw: { width: 2100, height: 2100, channels: 3 } })
      .jpeg({ quality: 100 })
      .toBuffer();
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(await prepareImage("big.jpg", big, "static")).toEqual({ ok: false, reason: expect.stringMatching(/^big\.jpg is \d+\.\d MB; x\.com takes JPEG files up to 5\.0 MB$/) });
    expect(await prepareImage("tiny.png", await png(3, 3), "a dot")).toEqual({ ok: false, reason: "tiny.png is 3x3 px; x.com takes 4x4 to 8192x8192" });
  });

  it("refuses a missing or blank alt text and one over 1000 characters", async () => {
    const bytes = await png();
    for (const alt of [undefined, "", "   "]) {
      expect(await prepareImage("a.png", bytes, alt)).toEqual({ ok: false, reason: expect.stringContaining("alt text is required") });
    }
    expect(await prepareImage("a.png", bytes, "x".repeat(1001))).toEqual({ ok: false, reason: expect.stringContaining("at most 1000") });
  });

  it("strips EXIF and GPS: the prepared bytes carry no Exif segment and still decode", async () => {
    const jpeg = await gpsJpeg();
    const before = await sharp(jpeg).metadata();
    expect(before.exif && GPS_POINTER.some((p) => before.exif!.includes(p))).toBe(true);
    const r = await prepareImage("phone.jpg", jpeg, "a blue square");
    if (!r.ok) throw new Error(r.reason);
    expect(r.image.bytes.includes(Buffer.from("Exif\0\0"))).toBe(false);
    expect(r.image.bytes.includes(Buffer.from("PhoneCo"))).toBe(false);
    const after = await sharp(r.image.bytes).metadata();
    expect(after.exif).toBeUndefined();
    expect({ format: after.format, w: after.width, h: after.height }).toEqual({ format: "jpeg", w: 64, h: 48 });
    expect(sniffImage(r.image.bytes)).toBe("image/jpeg");
  });
});
