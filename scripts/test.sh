#!/usr/bin/env bash
# The whole test suite, from a fresh machine: dependencies, build, the import, lint and format rules, a
# Docker engine, the offline images (built only when missing), then unit and integration tests against
# real brokers.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# The layering, lint and formatting rules (ARCHITECTURE.md) hold before anything runs.
bash scripts/lint.sh
bash scripts/ensure-docker.sh
if ! node dist/src/cli.js images list >/dev/null; then
  # The offline image kit needs debootstrap and Maven (and Debian's mirror and Maven Central).
  bash scripts/ensure-packages.sh debootstrap:debootstrap mvn:maven
  node dist/src/cli.js images build
fi

# xmllint validates the JUnit reports against test/fixtures/junit.xsd; the student-path tests run each
# command in a real terminal made by util-linux `script`.
bash scripts/ensure-packages.sh xmllint:libxml2-utils script:bsdutils

export KAFKA_LAB_IMAGES=local
shopt -s globstar
exec node --test --test-concurrency=1 --test-reporter=spec dist/test/**/*.test.js
