#!/usr/bin/env bash
# `npm start -- <command> [options]`: set up on first use, make sure Docker answers, then run kafka-lab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
bash scripts/ensure-docker.sh >&2
exec node dist/bin/kafka-lab.js "$@"
