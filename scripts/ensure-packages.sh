#!/usr/bin/env bash
# ensure-packages.sh CMD:PACKAGE ...: installs Debian's PACKAGE when CMD is missing (root on Debian only).
set -euo pipefail
missing=()
for pair in "$@"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
  echo "Missing: ${missing[*]}. Install them with your package manager and try again." >&2
  exit 3
fi
echo "[setup] installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q "${missing[@]}" >/dev/null
