#!/usr/bin/env bash
# Conformance check: re-runs every fixtures/conformance/**/*.ts through
# Amplify's real packages (offline) and fails when a recorded
# <name>.amplify.json verdict is stale, or when the inline amplint
# annotations contradict the verdicts. Usable on a fresh clone:
#   bash tests/conformance/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
node harness.mjs --all --check --lint-corpus "$@"
