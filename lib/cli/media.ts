/** `xbot media add <file> --alt "..." [--tags a,b]` and `xbot media list [--tag T]`. */
import { readFile, stat } from "node:fs/promises";
import { basename, isAbsolute, resolve } from "node:path";
import { MEDIA_LIMITS, prepareImage } from "../content/media.js";
import { addMedia, listMedia, type MediaInfo } from "../db/media.js";
import { withRuntime, type CliContext } from "./context.js";
import { CliFailure, EXIT, excerpt, isoTime, table, toJson, UsageError, type ExitCode } from "./io.js";

/** Options of `xbot media`. */
export interface MediaArgs {
  readonly action: string | undefined;
  readonly rest: readonly string[];
  readonly alt: string | undefined;
  readonly tags: string | undefined;
  readonly tag: string | undefined;
}

const USAGE = 'usage: xbot media add <file> --alt "what the image shows" [--tags a,b] | media list [--tag T]';

function infoJson(m: MediaInfo): Record<string, unknown> {
  return { ...m, createdAt: isoTime(m.createdAt) };
}

/** Reads the file, refusing anything that is not a regular file or is far past every limit. */
async function readImageFile(ctx: CliContext, file: string): Promise<Buffer> {
  const path = isAbsolute(file) ? file : resolve(ctx.cwd, file);
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliFailure(`${file} is not a file`);
    if (info.size > MEDIA_LIMITS.gifBytes)
      throw new CliFailure(`${basename(file)} is ${(info.size / 1024 / 1024).toFixed(1)} MB; x.com takes images up to 5 MB (GIFs up to 15 MB)`, "resize or compress the image, then add it again");
    return await readFile(path);
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function add(ctx: CliContext, args: MediaArgs): Promise<ExitCode> {
  const [file, ...extra] = args.rest;
  if (!file || extra.length > 0) throw new UsageError(USAGE);
  const bytes = await readImageFile(ctx, file);
  const prepared = await prepareImage(basename(file), bytes, args.alt, args.tags);
  if (!prepared.ok) throw new CliFailure(`refused: ${prepared.reason}`, "nothing was stored; fix the file or the options and run the command again");
  const image = prepared.image;
  return withRuntime(ctx, false, async ({ deps, config }) => {
    const { media, existing } = await addMedia(deps.clients.sql, { accountId: config.XBOT_ACCOUNT_ID, ...image });
    if (ctx.json) ctx.io.out(toJson({ media: infoJson(media), existing }));
    else
      ctx.io.out(
        existing
          ? `already in the library as media #${media.id} (alt text and tags unchanged)`
          : `added media #${media.id}: ${media.mime} ${media.width}x${media.height}, ${media.sizeBytes} bytes, metadata stripped`,
      );
    return EXIT.ok;
  });
}

async function list(ctx: CliContext, args: MediaArgs): Promise<ExitCode> {
  return withRuntime(ctx, false, async ({ deps, config }) => {
    const items = await listMedia(deps.clients.sql, config.XBOT_ACCOUNT_ID, args.tag ? { tag: args.tag.toLowerCase() } : {});
    if (ctx.json) ctx.io.out(toJson({ media: items.map(infoJson) }));
    else if (items.length === 0) ctx.io.out("the media library is empty");
    else
      ctx.io.out(
        table(
          ["id", "type", "size", "tags", "alt"],
          items.map((m) => [m.id, m.mime.slice(6), `${m.width}x${m.height}`, m.tags.join(",") || "-", excerpt(m.altText)]),
        ),
      );
    return EXIT.ok;
  });
}

/** `xbot media add | list`. */
export async function mediaCommand(ctx: CliContext, args: MediaArgs): Promise<ExitCode> {
  if (args.action === "add") return add(ctx, args);
  if (args.action === "list" && args.rest.length === 0) return list(ctx, args);
  throw new UsageError(USAGE);
}
