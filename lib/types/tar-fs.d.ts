/** The part of tar-fs (https://github.com/mafintosh/tar-fs, no bundled types) the Chromium install uses. */
declare module "tar-fs" {
  import type { Writable } from "node:stream";
  /** A writable that extracts the tar stream written to it into `directory`. */
  export function extract(directory: string): Writable;
}
