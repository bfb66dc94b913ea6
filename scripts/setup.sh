#!/usr/bin/env bash
# Installs the project's dependencies and builds it, when needed. Shared by `npm start` and `npm test`.
# The build (tsc, then the CLI bundle) runs only when a file it reads is newer than its last output.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.kafka-lab-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "[setup] installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
built=dist/.built
if [ ! -f "$built" ] || [ ! -f dist/bin/kafka-lab.js ] || [ -n "$(find src test bench scripts/bundle tsconfig.json package.json package-lock.json -newer "$built" -print -quit)" ]; then
  echo "[setup] building"
  # Stamped as of the build's start: a file changed while it ran makes the next run build again.
  mkdir -p dist && touch "$built.next"
  npm run --silent build
  mv "$built.next" "$built"
fi
