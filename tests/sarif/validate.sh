#!/usr/bin/env bash
# Validates amplint's SARIF output with Microsoft's SARIF multitool (pinned in
# package.json / package-lock.json, installed into tests/sarif/node_modules).
#
# Runs `amplint check --format sarif` on the showcase and on annotated fixtures (with
# related locations, fixes, insertions and suppression findings, and a project whose
# related locations and fixes are in another file than their result), validates each log
# against the SARIF rules and against GitHub code scanning's rules (`--rule-kind Gh`), and
# fails when the validator reports any error-level result. Warnings and notes are printed, not fatal.
#
# Needs: node and npm; the multitool is a self-contained .NET executable for linux-x64
# (no .NET runtime needed; ICU is used when installed, else invariant globalization). Usage: tests/sarif/validate.sh  (AMPLINT=path overrides the
# binary; by default target/debug/amplint is built with cargo).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [ ! -e "$here/node_modules/@microsoft/sarif-multitool/package.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
# The platform package's postinstall only runs chmod; npm may skip install scripts.
for binary in "$here"/node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool; do
  [ -e "$binary" ] && chmod u+x "$binary"
done

# .NET uses ICU (Debian's libicu72) for globalization; without it, run in invariant mode
# (enough for validation; verified to give the same results).
if ! ldconfig -p 2>/dev/null | grep -q libicuuc; then
  export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
fi

amplint="${AMPLINT:-}"
if [ -z "$amplint" ]; then
  (cd "$root" && cargo build --quiet -p amplint)
  amplint="$root/target/debug/amplint"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

targets=(
  "fixtures/showcase"
  "fixtures/missing-inverse-relation/invalid.ts fixtures/unused-suppression/invalid.ts fixtures/reference-type-mismatch/invalid.ts"
  "fixtures/projects/split-relations/amplify/data/resource.ts"
)
failed=0
index=0
for target in "${targets[@]}"; do
  index=$((index + 1))
  log="$work/amplint-$index.sarif"
  # Exit code 1 only means amplint found errors in the fixtures; 2 means it could not run.
  set +e
  # shellcheck disable=SC2086
  (cd "$root" && "$amplint" check --format sarif --output-file "$log" $target)
  status=$?
  set -e
  if [ "$status" -gt 1 ]; then
    echo "amplint could not check $target (exit $status)" >&2
    exit 2
  fi
  # The SARIF rules (default), then the rules of GitHub code scanning's ingestion.
  for kind in Sarif Gh; do
  results="$work/validation-$index-$kind.sarif"
  extra=()
  if [ "$kind" = Gh ]; then extra=(--rule-kind Gh); fi
  (cd "$here" && npx --no-install sarif-multitool validate "$log" --output "$results" --log ForceOverwrite "${extra[@]}") >/dev/null
  node - "$results" "$target ($kind rules)" <<'NODE' || failed=1
const fs = require('fs');
const [results, target] = process.argv.slice(2);
const log = JSON.parse(fs.readFileSync(results, 'utf8'));
let errors = 0;
for (const run of log.runs || []) {
  for (const result of run.results || []) {
    const level = result.level || 'warning';
    const text = (result.message && (result.message.text || (result.message.arguments || []).join(' '))) || '';
    console.log(`${level} ${result.ruleId}: ${text}`);
    if (level === 'error') errors += 1;
  }
}
console.log(`sarif-multitool on amplint's SARIF for ${target}: ${errors} error(s)`);
process.exit(errors > 0 ? 1 : 0);
NODE
  done
done
if [ "$failed" -ne 0 ]; then
  echo "SARIF validation failed" >&2
  exit 1
fi
echo "SARIF validation passed"
