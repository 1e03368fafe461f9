#!/usr/bin/env bash
# Shows the `amplint` pre-commit hook (.pre-commit-hooks.yaml) failing on a bad schema and
# passing on a good one, the way a user meets it: pre-commit from PyPI (in a temporary virtual
# environment), a temporary git repository whose .pre-commit-config.yaml points at this
# repository (`repo:` its path, `rev:` its current commit), `pre-commit install`, `git commit`.
#
#   tests/precommit/test.sh
#
# The hook comes from the COMMITTED tree (rev = `git rev-parse HEAD`): commit before running.
# pre-commit clones that commit and the hook builds amplint in the clone with cargo. To keep
# the run short the build uses the dev profile and a target directory of its own kept in
# target/precommit-test/ (seeded once with a copy of target/debug's compiled dependencies when
# there are any and the disk has room for the copy; the amplint crates are always compiled
# from pre-commit's clone). It never
# writes to target/debug, whose binary the editor tests use.
# AMPLINT_PRECOMMIT_FRESH=1 builds as a user's first commit does instead (release profile,
# empty target directory: several minutes).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rev="$(git -C "$root" rev-parse HEAD)"
if [ -n "$(git -C "$root" status --porcelain -- .pre-commit-hooks.yaml editors/pre-commit)" ]; then
  echo "warning: uncommitted changes to the hook; testing the committed $rev" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== pre-commit from PyPI into $work/venv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check 'pre-commit>=3,<5'
pre_commit="$work/venv/bin/pre-commit"
"$pre_commit" --version

export PRE_COMMIT_HOME="$work/pre-commit-home"
if [ "${AMPLINT_PRECOMMIT_FRESH:-0}" = 1 ]; then
  export CARGO_TARGET_DIR="$work/target"
else
  export AMPLINT_HOOK_PROFILE=dev
  export CARGO_TARGET_DIR="$root/target/precommit-test"
  if [ ! -d "$CARGO_TARGET_DIR/debug" ] && [ -d "$root/target/debug/deps" ]; then
    # The copy needs as much room again as target/debug's dependencies (a target directory
    # that has grown over many builds can hold tens of GB): seed only when twice that is
    # free, otherwise compile from scratch (slower, no extra room).
    parts=()
    for part in deps build .fingerprint; do
      if [ -d "$root/target/debug/$part" ]; then parts+=("$root/target/debug/$part"); fi
    done
    need_kb=$(du -sk "${parts[@]}" | awk '{sum += $1} END {print sum * 2}')
    mkdir -p "$CARGO_TARGET_DIR"
    free_kb=$(df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 {print $4}')
    if [ "$need_kb" -lt "$free_kb" ]; then
      echo "== seeding $CARGO_TARGET_DIR with target/debug's compiled dependencies ($((need_kb / 2048)) MiB)"
      mkdir -p "$CARGO_TARGET_DIR/debug.partial"
      cp -a "${parts[@]}" "$CARGO_TARGET_DIR/debug.partial/"
      mv "$CARGO_TARGET_DIR/debug.partial" "$CARGO_TARGET_DIR/debug"
    else
      echo "== not seeding $CARGO_TARGET_DIR: target/debug's dependencies ($((need_kb / 2048)) MiB) would not fit twice in the $((free_kb / 1024)) MiB free; compiling from scratch"
    fi
  fi
fi
# The venv's bin holds pre-commit itself; git hooks find it through the installed script.
export PATH="$work/venv/bin:$PATH"

project="$work/project"
mkdir -p "$project/amplify/data"
cd "$project"
git init --quiet --initial-branch=main
git config user.email test@example.invalid
git config user.name "amplint pre-commit test"
git config commit.gpgsign false
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $rev
    hooks:
      - id: amplint
YAML
git add .pre-commit-config.yaml
git commit --quiet --no-verify -m "pre-commit configuration"
"$pre_commit" install

bad="$root/fixtures/unknown-related-model/invalid.ts"
good="$root/fixtures/unknown-related-model/valid.ts"
passed=0
failed=0
pass() { echo "ok - $1"; passed=$((passed + 1)); }
fail() { echo "not ok - $1"; failed=$((failed + 1)); }

commits() { git rev-list --count HEAD; }

echo "== committing a bad schema (the hook builds amplint first: this can take a while)"
cp "$bad" amplify/data/resource.ts
git add amplify/data/resource.ts
start=$SECONDS
before="$(commits)"
if git commit -m "bad schema" >"$work/bad.log" 2>&1; then
  fail "the commit of a bad schema was refused"
else
  if [ "$(commits)" = "$before" ] && grep -q "unknown-related-model" "$work/bad.log" && grep -q "Teem" "$work/bad.log"; then
    pass "the commit of a bad schema was refused, naming the rule ($((SECONDS - start)) s, build included)"
  else
    fail "the commit of a bad schema failed, but not because of amplint"
  fi
fi
sed 's/^/    | /' "$work/bad.log" | head -40

echo "== only the staged content counts: bad staged, good in the working tree"
cp "$good" amplify/data/resource.ts
if git commit -m "bad schema, fixed but not staged" >"$work/staged.log" 2>&1; then
  fail "the hook checked the staged (bad) content, not the working tree"
  sed 's/^/    | /' "$work/staged.log"
else
  grep -q "unknown-related-model" "$work/staged.log" &&
    pass "the hook checked the staged (bad) content, not the working tree" ||
    { fail "the hook checked the staged (bad) content, not the working tree"; sed 's/^/    | /' "$work/staged.log"; }
fi
cmp -s "$good" amplify/data/resource.ts && pass "the unstaged working-tree change was kept" ||
  fail "the unstaged working-tree change was kept"

echo "== committing a good schema"
git add amplify/data/resource.ts
start=$SECONDS
before="$(commits)"
if git commit -m "good schema" >"$work/good.log" 2>&1 && [ "$(commits)" = "$((before + 1))" ]; then
  grep -q "amplint.*Passed" "$work/good.log" &&
    pass "the commit of a good schema went through, the hook passing ($((SECONDS - start)) s)" ||
    { fail "the hook ran and passed on the good schema"; sed 's/^/    | /' "$work/good.log"; }
else
  fail "the commit of a good schema went through"
  sed 's/^/    | /' "$work/good.log"
fi
sed 's/^/    | /' "$work/good.log"

echo "== a commit without TypeScript or JavaScript files skips the hook"
echo "notes" > README.md
git add README.md
if git commit -m "docs" >"$work/skip.log" 2>&1 && grep -q "amplint.*Skipped" "$work/skip.log"; then
  pass "the hook was skipped for a commit without TypeScript or JavaScript files"
else
  fail "the hook was skipped for a commit without TypeScript or JavaScript files"
  sed 's/^/    | /' "$work/skip.log"
fi

echo "pre-commit: $passed passed, $failed failed"
[ "$failed" = 0 ]
