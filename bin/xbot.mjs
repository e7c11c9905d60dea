#!/usr/bin/env node
// The `xbot` command: registers tsx (TypeScript sources run as they are, no build step) and
// hands over to lib/cli/main.ts. Exit codes: 0 ok, 1 failure, 2 usage error, 3 config error.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../lib/cli/main.ts");
process.exitCode = await runCli(process.argv.slice(2));
