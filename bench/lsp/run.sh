#!/usr/bin/env bash
# Builds amplint in release and measures the language server:
#  - over stdio, like an editor: one-character edit -> published diagnostics on a
#    200-model schema (median, p99 over 1,000 edits), and resident memory (VmRSS) with a
#    2,000-model document open; the same edit in a model file of a schema split over files
#    (60 and 200 models, 300 edits each);
#  - in process: where an edit's time goes (parse, extract, rules) and where a 2,000-model
#    document's memory goes.
# Figures are printed, nothing is asserted (the machine may be shared: the profile prints
# CPU time next to wall time for that reason).
#
#   bench/lsp/run.sh
#   AMPLINT_BENCH_EDITS=200 bench/lsp/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -p amplint
AMPLINT_BIN="$PWD/target/release/amplint" \
  cargo test --release -p amplint_tests --test lsp_bench -- --ignored --nocapture --test-threads=1 \
  2>&1 | grep -v -E '^(running [0-9]+ test|test result:|\s*$)|has been running for over'
echo "machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
