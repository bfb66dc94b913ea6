#!/usr/bin/env bash
# Installs the project's dependencies and builds it, when needed. Shared by `npm start` and `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.kafka-lab-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "[setup] installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
echo "[setup] building"
npx --no-install tsc -p tsconfig.json
chmod +x dist/src/cli.js
