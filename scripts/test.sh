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
if ! node dist/bin/kafka-lab.js images list >/dev/null; then
  # The offline image kit needs debootstrap and Maven (and Debian's mirror and Maven Central).
  bash scripts/ensure-packages.sh debootstrap:debootstrap mvn:maven
  node dist/bin/kafka-lab.js images build
fi

# xmllint validates the JUnit reports against test/fixtures/junit.xsd; the student-path tests run each
# command in a real terminal made by util-linux `script`; the Gradescope test checks its zip with unzip; the
# tests of many engines reach the second engine (scripts/second-engine.sh, started and stopped by those
# files' before/after hooks) through Debian's sshd; the terminal-UI tests drive lab screens in tmux.
bash scripts/ensure-packages.sh xmllint:libxml2-utils script:bsdutils unzip:unzip sshd:openssh-server tmux:tmux

export KAFKA_LAB_IMAGES=local
tests() { node --test --test-concurrency=1 --test-reporter=spec "$@"; }
# Unit tests, then the files that act on every stack of the host (--all) while nothing else runs: one
# host's classroom, then a classroom over two engines.
tests dist/test/unit/*.test.js dist/test/integration/classroom.test.js dist/test/integration/fleet.test.js
# Then two lanes side by side, each one file at a time: the KRaft stack's tests with the commands-at-once
# file (its stacks, ports and locks are its own), and every other integration file on the ZooKeeper
# stacks. Their stacks, ports and progress never meet; two lanes keep the suite within its time on two
# cores. Each line says its lane.
zookeeper=()
for f in dist/test/integration/*.test.js; do
  case "$f" in */classroom.test.js | */fleet.test.js | */kraft.test.js | */races.test.js) ;; *) zookeeper+=("$f") ;; esac
done
# A lane is a host of its own to the other: its own lock directory, so one lane's `reset` (which takes
# the host-wide reset lock) never refuses the other's.
(export KAFKA_LAB_LOCK_DIR="$(mktemp -d)" && tests dist/test/integration/kraft.test.js dist/test/integration/races.test.js 2>&1 | sed -u 's/^/[kraft] /') &
kraft=$!
(export KAFKA_LAB_LOCK_DIR="$(mktemp -d)" && tests "${zookeeper[@]}" 2>&1 | sed -u 's/^/[zookeeper] /') &
zk=$!
status=0
wait "$kraft" || status=1
wait "$zk" || status=1
exit "$status"
