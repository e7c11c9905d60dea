/** `xbot session import` errors name the file and the problem, never the file's bytes. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readStateFile } from "../../lib/cli/session.js";
import { parseStorageState } from "../../lib/browser/storage-state.js";

const dir = mkdtempSync(join(tmpdir(), "xbot-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWD = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";

describe("session import of a file that is not a storage state", () => {
  it("a non-JSON file (like /etc/passwd): the message names the file and the problem, not its bytes", async () => {
    const path = join(dir, "passwd");
    writeFileSync(path, PASSWD);
    const error = await readStateFile(path).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(path);
    expect(error?.message).toContain("is not JSON");
    for (const fragment of ["root", "x:0", "daemon", "bash"]) expect(error!.message.replace(path, "")).not.toContain(fragment);
  });

  it("JSON that is not a storage state: the problem by path, never a value", async () => {
    for (const value of ['"root:x:0:0:root"', '{"cookies":[{"name":"root:x:0:0","value":"hunter2secret","domain":5}]}', '{"cookies":"root:x:0:0"}', '[1, "root:x:0:0"]']) {
      const path = join(dir, "state.json");
      writeFileSync(path, value);
      const error = await readStateFile(path)
        .then(
          (v) => {
            parseStorageState(v);
            return null;
          },
          (e: unknown) => e as Error,
        )
        .catch((e: unknown) => e as Error);
      expect(error, value).toBeInstanceOf(Error);
      expect(error!.message, value).not.toMatch(/root:x|hunter2/);
    }
  });
});
