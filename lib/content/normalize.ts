/**
 * Text as the rule gates read it (never what is posted): NFKC (fullwidth and styled letters
 * become ASCII), invisible characters removed (zero-width, bidi controls, variation
 * selectors, soft hyphen), non-ASCII homoglyphs folded to the ASCII letter they imitate
 * (Unicode confusables via `unhomoglyph`, e.g. Cyrillic "е" -> "e"), lower case. Then
 * `deobfuscate` undoes the usual link disguises: hxxp, [.], (.), {.}, [dot], " dot com".
 */
import unhomoglyph from "unhomoglyph";

// biome-ignore lint/suspicious/noMisleadingCharacterClass: each listed code point (variation selectors included) is removed on its own, with the u flag
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/gu;
const ASCII = /^[\x20-\x7e]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is "everything outside ASCII", its start is NUL by definition
const NON_ASCII = /[^\x00-\x7f]/gu;
const COMMON_TLDS = "com|net|org|io|co|xyz|ru|info|biz|app|me|ly|gg|link|site|online|top|click|shop|live|cc|tk|to";

function foldHomoglyph(char: string): string {
  const folded = unhomoglyph(char);
  return ASCII.test(folded) ? folded : char;
}

/** NFKC, no invisible characters, homoglyphs folded to ASCII, lower case. */
export function normalizeForRules(text: string): string {
  return text.normalize("NFKC").replace(INVISIBLE, "").replace(NON_ASCII, foldHomoglyph).toLowerCase();
}

/** Undoes link disguises on normalised text: `hxxp://a[.]b` and `a dot com` become `http://a.b` and `a.com`. */
export function deobfuscate(normal: string): string {
  return normal
    .replace(/\bh(?:xx|tt|\*\*)p(s?)\s*(?:\[:\]|:)\s*\/\//g, "http$1://")
    .replace(/\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\}|<\s*(?:\.|dot)\s*>)\s*/g, ".")
    .replace(new RegExp(`([a-z0-9-])\\s+(?:dot|\\.)\\s+(${COMMON_TLDS})\\b`, "g"), "$1.$2");
}

/** Text with every separator between single letters removed ("f a g" -> "fag"), for spaced-out words. */
export function collapseSpacedLetters(normal: string): string {
  return normal.replace(/\b(?:[a-z0-9][\s.\-_*]+){2,}[a-z0-9]\b/g, (run) => run.replace(/[\s.\-_*]+/g, ""));
}
