#!/usr/bin/env bash
# `npm run vc:build`: runs `vercel build` offline (no login, no network), bundles each
# function with esbuild (scripts/bundle-functions.ts, for cold start) and checks the output
# (scripts/check-vc-output.ts): every job's function and cron is there, each function is
# bundled and within its limits, and no source or config file is published as a static file.
# Arguments go to vercel build (`npm run vc:build -- --prod` before `vercel deploy --prebuilt --prod`). See REFERENCE.md for why project.json is written by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export VERCEL_TELEMETRY_DISABLED=1
mkdir -p .vercel
[ -f .vercel/project.json ] || echo '{"projectId":"prj_local","orgId":"team_local","settings":{"framework":null}}' > .vercel/project.json
rm -rf .vercel/output
npx vercel build --yes "$@"
# bench/functions.ts compares with vercel build's own output: it asks for a copy of it here.
if [ -n "${XBOT_TRACED_COPY:-}" ]; then rm -rf "$XBOT_TRACED_COPY"; cp -r .vercel/output "$XBOT_TRACED_COPY"; fi
node --import tsx scripts/bundle-functions.ts
node --import tsx scripts/check-vc-output.ts
