#!/usr/bin/env bash
# Makes sure a Docker engine answers. On a fresh Debian machine where we are root,
# installs Debian's docker.io and starts dockerd in the background; elsewhere says what to do.
set -euo pipefail

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if engine_answers; then exit 0; fi

if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  echo "Docker is not reachable. Start Docker (Docker Desktop, or 'sudo systemctl start docker') and try again." >&2
  exit 3
fi

bash "$(dirname "$0")/ensure-packages.sh" dockerd:docker.io docker:docker.io

echo "[setup] starting dockerd (log: /var/log/kafka-lab-dockerd.log)"
nohup dockerd >/var/log/kafka-lab-dockerd.log 2>&1 &
deadline=$((SECONDS + 60))
until engine_answers; do
  if [ $SECONDS -ge $deadline ]; then
    echo "dockerd did not answer within 60 s; last lines of /var/log/kafka-lab-dockerd.log:" >&2
    tail -n 20 /var/log/kafka-lab-dockerd.log >&2 || true
    exit 3
  fi
  # Polling the engine itself is the signal; this only paces the loop.
  sleep 0.5
done
echo "[setup] Docker $(docker version --format '{{.Server.Version}}') is ready"
