/**
 * `npm run vc:config [-- --schedules]`: writes vercel.json from the job specs (see
 * lib/deploy/vercel-config.ts). `--check` exits 1 when the file differs instead.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { vercelJsonText } from "../lib/deploy/vercel-config.js";

const text = vercelJsonText({ schedules: process.argv.includes("--schedules") });
if (process.argv.includes("--check")) {
  if (readFileSync("vercel.json", "utf8") !== text) {
    console.error("vercel.json is out of date: run npm run vc:config");
    process.exit(1);
  }
} else {
  writeFileSync("vercel.json", text);
  console.log("vercel.json written from lib/jobs/specs.ts");
}
