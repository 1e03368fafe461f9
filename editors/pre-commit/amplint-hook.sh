#!/usr/bin/env bash
# pre-commit entry point of the `amplint` hook (.pre-commit-hooks.yaml at the repository root).
#
# pre-commit runs it from its own clone of this repository, with the staged files to check
# as arguments (after the hook's `args`). It builds `amplint` from that clone with cargo (once
# per revision: later runs find it built) and runs `amplint check` on the files.
#
# Environment (all optional):
#   AMPLINT_HOOK_PROFILE  cargo profile to build with: `release` (default) or `dev` (faster
#                         to build, slower to run).
#   CARGO_TARGET_DIR      where cargo builds; default: `target/` of pre-commit's clone.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
profile="${AMPLINT_HOOK_PROFILE:-release}"
case "$profile" in
  dev | debug) profile=dev output=debug ;;
  *) output="$profile" ;;
esac
target="${CARGO_TARGET_DIR:-$repo/target}"
binary="$target/$output/amplint"

if ! command -v cargo >/dev/null 2>&1; then
  echo "amplint pre-commit hook: cargo is needed to build amplint (install Rust: https://rustup.rs)" >&2
  exit 2
fi
# A no-op taking well under a second once built; cargo's progress goes to stderr.
if ! cargo build --locked --quiet --profile "$profile" --manifest-path "$repo/Cargo.toml" \
  --target-dir "$target" -p amplint --bin amplint; then
  echo "amplint pre-commit hook: building amplint failed" >&2
  exit 2
fi
exec "$binary" check "$@"
