#!/usr/bin/env bash
# A short fuzzing run of every target, for CI on a fresh machine: installs cargo-fuzz when
# missing, seeds the corpora from the fixtures, runs each target for a while (one process),
# and exits non-zero when any target finds a crash or a broken invariant (the reproducer is
# then in fuzz/artifacts/<target>/).
#
#   fuzz/smoke.sh                 # 45 s per target
#   FUZZ_SECONDS=120 fuzz/smoke.sh
#   FUZZ_TARGETS="check_bytes" fuzz/smoke.sh
#   FUZZ_SANITIZER=address fuzz/smoke.sh   # slower (about 2.5x), instruments only Rust code
#
# cargo-fuzz needs nightly compiler flags; on a stable toolchain RUSTC_BOOTSTRAP=1 lets
# stable rustc accept them (set here unless the caller set it).
set -uo pipefail

fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
cd "$fuzz_dir" || exit 2
seconds="${FUZZ_SECONDS:-45}"
targets="${FUZZ_TARGETS:-check_bytes fixture_edits document_edits line_index}"
sanitizer="${FUZZ_SANITIZER:-none}"
export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked || exit 2
fi

./seed.sh || exit 2
for target in $targets; do
    cargo fuzz build --sanitizer "$sanitizer" "$target" || exit 2
done

failed=()
for target in $targets; do
    echo "=== $target: ${seconds}s"
    log="$(mktemp)"
    cargo fuzz run --sanitizer "$sanitizer" "$target" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        2>&1 | tee "$log" | grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|Done|stat::|==[0-9]+==|SUMMARY|panicked|thread)'
    status=${PIPESTATUS[0]}
    if [ "$status" -ne 0 ]; then
        echo "!!! $target failed (exit $status); last lines of its log:"
        tail -n 40 "$log"
        failed+=("$target")
    fi
    rm -f "$log"
done

if [ "${#failed[@]}" -ne 0 ]; then
    echo "fuzzing found problems in: ${failed[*]} (reproducers in $fuzz_dir/artifacts/)"
    exit 1
fi
echo "no crash in: $targets"
