#!/usr/bin/env bash
# `npm run vc:build`: runs `vercel build` offline (no login, no network) and checks its
# output: every job's function and cron is there, and no source or config file is
# published as a static file. See REFERENCE.md for why project.json is written by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export VERCEL_TELEMETRY_DISABLED=1
mkdir -p .vercel
[ -f .vercel/project.json ] || echo '{"projectId":"prj_local","orgId":"team_local","settings":{"framework":null}}' > .vercel/project.json
rm -rf .vercel/output
npx vercel build --yes
node --import tsx scripts/check-vc-output.ts
