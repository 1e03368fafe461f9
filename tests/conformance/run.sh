#!/usr/bin/env bash
# Conformance check: re-runs every fixtures/conformance/**/*.ts through
# Amplify's real packages (offline) and fails when a recorded
# <name>.amplify.json verdict is stale, or when the inline amplint
# annotations contradict the verdicts. Usable on a fresh clone:
#   bash tests/conformance/run.sh
#
# Installs exactly what package-lock.json pins. `npm ci` cannot be used:
# @aws-amplify/data-construct ships bundled dependencies that are internally
# inconsistent (e.g. a bundled @opentelemetry/resources@2.0.0 wants
# @opentelemetry/core@2.0.0 but 2.8.0 is bundled), and npm ci's lock-file
# validation rejects that ("Missing: @opentelemetry/core@2.0.0 from lock
# file"). `npm install --no-save` reifies the same lock without rewriting it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null
node harness.mjs --all --check --lint-corpus "$@"
