/** The local server's POST /__xbot/cli: `xbot` commands run in the server's process, against its runtime. */
import type { LocalCli } from "../dev/server.js";
import { captureIo, runCli } from "./main.js";

/** Runs `argv` as `xbot` would, with the server's local runtime; output captured. */
export const localCli: LocalCli = async (argv, local) => {
  const io = captureIo();
  const code = await runCli(argv, { io, local });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
};
