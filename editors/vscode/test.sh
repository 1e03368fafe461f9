#!/usr/bin/env bash
# Builds the VS Code extension, packages it to a .vsix (in a temporary directory), and runs
# the Node test that drives the real `amplint server` through the protocol library.
#
#   AMPLINT_BIN=/path/to/amplint editors/vscode/test.sh
#
# AMPLINT_BIN defaults to target/debug/amplint (relative paths are taken from the repository
# root). Needs Node >= 20 and npm; everything else comes from npm (package-lock.json).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="${AMPLINT_BIN:-target/debug/amplint}"
case "$binary" in /*) ;; *) binary="$root/$binary" ;; esac
if [ ! -x "$binary" ]; then
  echo "editors/vscode/test.sh: no amplint binary at $binary (build it with 'cargo build -p amplint' or set AMPLINT_BIN)" >&2
  exit 2
fi
export AMPLINT_BIN="$binary"

cd "$here"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

echo "== npm ci"
npm ci --no-audit --no-fund
echo "== npm run build"
npm run build
echo "== vsce package"
package_dir="$(mktemp -d)"
trap 'rm -rf "$package_dir"' EXIT
npx --no-install vsce package --no-dependencies --allow-missing-repository --out "$package_dir/amplint.vsix" < /dev/null
vsix="$package_dir/amplint.vsix"
test -s "$vsix"
# The package holds the bundled extension and its manifest, and nothing from node_modules.
listing="$(unzip -l "$vsix" 2>/dev/null || python3 -m zipfile -l "$vsix")"
for entry in extension/out/extension.js extension/package.json extension/readme.md extension/LICENSE.txt extension/icon.png; do
  grep -qi "$entry" <<<"$listing" || { echo "missing $entry in the vsix:"; echo "$listing"; exit 1; }
done
if grep -q node_modules <<<"$listing"; then
  echo "the vsix unexpectedly contains node_modules"; exit 1
fi
echo "vsix ok: $(wc -c <"$vsix") bytes"
echo "== node --test (AMPLINT_BIN=$AMPLINT_BIN)"
timeout 120 node --test test/
