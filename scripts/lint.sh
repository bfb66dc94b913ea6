#!/usr/bin/env bash
# The static checks from DESIGN.md, in order: import rules (dependency-cruiser, over src), ESLint (type-aware,
# over src, test and bench), then Prettier's formatting check (no files are written). Every stage runs so
# that one run shows everything; the last line names the stages that failed, and the exit code is non-zero.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
stage() {
  local name=$1
  shift
  echo "[lint] $name"
  "$@" || failed+=("$name")
}

stage dependency-cruiser npx --no-install depcruise src --config .dependency-cruiser.cjs --output-type err
stage eslint npx --no-install eslint src test bench
stage prettier npx --no-install prettier --check src test bench

if [ ${#failed[@]} -gt 0 ]; then
  echo "[lint] failed: ${failed[*]}"
  exit 1
fi
echo "[lint] passed: dependency-cruiser, eslint, prettier"
