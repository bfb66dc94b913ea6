#!/usr/bin/env bash
# `npm pack` (and publish) runs this: the package ships the built bundle, so build it first. A fresh
# clone has no node_modules yet; the build's tools are devDependencies, so install them first.
set -euo pipefail
cd "$(dirname "$0")/.."
# Progress goes to stderr: `npm pack --json` prints its JSON on stdout.
exec 1>&2

if [ ! -x node_modules/.bin/tsc ] || [ ! -x node_modules/.bin/esbuild ]; then
  echo "[prepack] installing npm dependencies (npm ci)"
  # Not as a dry run, nor as JSON, when `npm pack --dry-run --json` passed those down to this script. No
  # install scripts: the build needs none (they build ssh2's optional native add-ons, which the bundle leaves out).
  env -u npm_config_dry_run -u npm_config_json npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
echo "[prepack] building"
npm run --silent build
