#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the fixtures (not committed: fuzz/corpus/ is
# ignored). Run from anywhere; existing corpus files are kept.
set -euo pipefail
fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
fixtures="$fuzz_dir/../fixtures"
corpus="$fuzz_dir/corpus"
mkdir -p "$corpus/check_bytes" "$corpus/fixture_edits" "$corpus/document_edits" "$corpus/line_index"

# check_bytes and line_index: every fixture as it is (name = its path, slashes flattened).
count=0
while IFS= read -r -d '' path; do
    name="${path#"$fixtures"/}"
    name="${name//\//__}"
    cp "$path" "$corpus/check_bytes/$name"
    cp "$path" "$corpus/line_index/$name"
    count=$((count + 1))
done < <(find "$fixtures" -name '*.ts' -type f -print0 | sort -z)

# fixture_edits and document_edits: one seed per fixture: its index (two bytes,
# little-endian) and no edits; the fuzzer grows edit lists from there.
for ((index = 0; index < count; index++)); do
    seed="\\x$(printf %02x $((index & 255)))\\x$(printf %02x $((index >> 8)))"
    printf "$seed" > "$corpus/fixture_edits/fixture-$index"
    printf "$seed" > "$corpus/document_edits/fixture-$index"
done
echo "seeded $count fixtures into $corpus/{check_bytes,line_index,fixture_edits,document_edits}"
