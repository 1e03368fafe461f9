#!/usr/bin/env bash
# Benchmark of `amplint check` on generated valid schemas of growing size: wall time of the
# whole process (release build), medians over many runs, and time per model to show the
# growth is linear. Needs hyperfine (Debian: apt-get install hyperfine).
#
#   bench/cli.sh            # 50 200 500 1000 2000 models
#   bench/cli.sh 200 2000   # chosen sizes
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 200 500 1000 2000)
command -v hyperfine >/dev/null || { echo "bench/cli.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --quiet -p amplint -p amplint_tests
cargo build --release --quiet -p amplint_rules --example phases
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
# How fast the machine is right now: tree-sitter's parse of the 200-model schema on one
# thread, in process (no start-up, no threads; median of 30). The same parse has taken from
# 12.4 to 25 ms on the project's VM, minutes apart, as the host's other load came and went;
# printed before and after the timings as a rough guide to the host's state while they ran
# (a reading a moment apart: it has been high beside a fast median too).
./target/release/generate-schema 200 > "$work/reference.ts"
host_speed() {
  ./target/release/examples/phases "$work/reference.ts" 30 |
    awk -v when="$1" '/parse whole/ { print "host reference (" when "): one-thread parse of 200 models " $3 " ms" }'
}
host_speed before
# min_ms: the fastest run; cpu_ms: mean user+system time. When the host is busy both rise
# with the median (the machine is slower, not the run waiting): see README, Speed.
printf '%8s %10s %12s %12s %10s %10s %14s\n' models bytes median_ms mean_ms min_ms cpu_ms us_per_model
for n in "${sizes[@]}"; do
  file="$work/schema$n.ts"
  ./target/release/generate-schema "$n" > "$file"
  # The VM's medians wander with its host's load; more runs where they are cheap.
  runs=$(( n <= 500 ? 100 : 40 ))
  hyperfine --shell=none --warmup 5 --runs "$runs" --export-json "$work/$n.json" \
    "./target/release/amplint check $file" > /dev/null
  python3 - "$work/$n.json" "$n" "$(wc -c < "$file")" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))["results"][0]
n, size = int(sys.argv[2]), int(sys.argv[3])
median = result["median"] * 1000
cpu = (result["user"] + result["system"]) * 1000
print(f"{n:8d} {size:10d} {median:12.2f} {result['mean'] * 1000:12.2f} {result['min'] * 1000:10.2f} {cpu:10.2f} {median * 1000 / n:14.1f}")
PY
done
host_speed after
