#!/usr/bin/env bash
# second-engine.sh start|stop|env: a second Docker engine beside the first, and an sshd on 127.0.0.1 that
# reaches it, for tests of many engines on one machine. Both commands can be run again safely.
#
# Everything lives in one state directory (KAFKA_LAB_ENGINE2_DIR, default /tmp/kafka-lab-engine2):
#   docker.sock          the engine's socket (unix://DIR/docker.sock)
#   ssh/id_ed25519       the client key the script makes; ssh/config and ssh/known_hosts for the client
#   home/.ssh            the same key, known_hosts and config as a home directory's: set HOME=DIR/home
#   env                  shell lines: ENGINE2_UNIX, ENGINE2_SSH, ENGINE2_SSH_PORT, ENGINE2_KEY, ENGINE2_SSH_CONFIG, ...
# `start` prints the same lines as `env`, and loads the offline images (`kafka-lab images save` on the first
# engine, `images load` on this one) when they are missing and dist/ is built.
#
# The engine has its own bridge (never --bridge=none: that deletes the first engine's docker0) and leaves
# iptables alone (--iptables=false), so the first engine's chains are never rewritten; one FORWARD rule
# lets its own networks' containers reach each other (bridged traffic passes iptables here).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${KAFKA_LAB_ENGINE2_DIR:-/tmp/kafka-lab-engine2}
BRIDGE=${KAFKA_LAB_ENGINE2_BRIDGE:-klab2br}
BRIDGE_CIDR=${KAFKA_LAB_ENGINE2_BRIDGE_CIDR:-10.202.0.1/24}
POOL=${KAFKA_LAB_ENGINE2_POOL:-10.212.0.0/16}
SSH_PORT=${KAFKA_LAB_ENGINE2_SSH_PORT:-2202}
SOCK="$DIR/docker.sock"

say() { echo "[second-engine] $*" >&2; }

envlines() {
  cat <<EOF
ENGINE2_DIR=$DIR
ENGINE2_UNIX=unix://$SOCK
ENGINE2_SSH=ssh://root@127.0.0.1:$SSH_PORT
ENGINE2_SSH_PORT=$SSH_PORT
ENGINE2_KEY=$DIR/ssh/id_ed25519
ENGINE2_SSH_CONFIG=$DIR/ssh/config
ENGINE2_KNOWN_HOSTS=$DIR/ssh/known_hosts
ENGINE2_HOME=$DIR/home
EOF
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits until CMD succeeds, at most SECONDS; says what it waited for when it gives up.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      say "$what did not happen within ${seconds}s"
      return 1
    fi
    sleep 0.2
  done
}

forward_rule() { iptables "$1" FORWARD -s "$POOL" -d "$POOL" -j ACCEPT -m comment --comment kafka-lab-engine2; }

start_engine() {
  if alive "$DIR/dockerd.pid"; then return; fi
  mkdir -p "$DIR/data" "$DIR/exec"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
  forward_rule -C 2>/dev/null || forward_rule -I
  DOCKER0_ADDRS=$(docker0_addrs)
  say "starting dockerd on $SOCK"
  # setsid: the engine outlives this script and the test process that ran it, until `stop`.
  setsid dockerd \
    --host "unix://$SOCK" \
    --data-root "$DIR/data" \
    --exec-root "$DIR/exec" \
    --pidfile "$DIR/dockerd.pid" \
    --bridge "$BRIDGE" \
    --default-address-pool "base=$POOL,size=24" \
    --iptables=false \
    >"$DIR/dockerd.log" 2>&1 </dev/null &
  wait_for "the second engine answering on $SOCK (see $DIR/dockerd.log)" 60 docker -H "unix://$SOCK" version
  keep_docker0
}

# A dockerd started with a bridge of its own deletes docker0, the first engine's default bridge, as it
# comes up (seen here: the first engine's containers on its default network then failed with "could not
# find bridge docker0"). Put it back as it was, address included, so the first engine never notices.
docker0_addrs() { ip -o -4 addr show docker0 2>/dev/null | awk '{print $4}'; }
keep_docker0() {
  [ -n "$DOCKER0_ADDRS" ] || return 0
  if ! ip link show docker0 >/dev/null 2>&1; then
    say "putting back docker0 ($DOCKER0_ADDRS), which the second engine's start removed"
    ip link add docker0 type bridge
    for a in $DOCKER0_ADDRS; do ip addr add "$a" dev docker0; done
    ip link set docker0 up
  fi
}

start_sshd() {
  local s="$DIR/ssh"
  mkdir -p "$s"
  chmod 700 "$s"
  [ -f "$s/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C kafka-lab-engine2-host -f "$s/host_ed25519"
  [ -f "$s/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C kafka-lab-engine2-client -f "$s/id_ed25519"
  cp "$s/id_ed25519.pub" "$s/authorized_keys"
  chmod 600 "$s/authorized_keys"
  # SetEnv gives the login its DOCKER_HOST, so `docker system dial-stdio` (what ssh:// engines run) reaches
  # the second engine, not the first.
  cat >"$s/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $s/host_ed25519
PidFile $s/sshd.pid
AuthorizedKeysFile $s/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
LogLevel DEBUG1
MaxStartups 100:30:200
SetEnv DOCKER_HOST=unix://$SOCK
Subsystem sftp internal-sftp
EOF
  echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$s/host_ed25519.pub")" >"$s/known_hosts"
  cat >"$s/config" <<EOF
Host 127.0.0.1
  Port $SSH_PORT
  User root
  IdentityFile $s/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $s/known_hosts
  StrictHostKeyChecking yes
EOF
  # A home whose ~/.ssh holds the key, the host key and the config: with HOME set there, both the docker CLI
  # and kafka-lab reach ssh://root@127.0.0.1:PORT with no prompt.
  mkdir -p "$DIR/home/.ssh"
  chmod 700 "$DIR/home/.ssh"
  cp "$s/id_ed25519" "$s/id_ed25519.pub" "$s/known_hosts" "$s/config" "$DIR/home/.ssh/"
  if alive "$s/sshd.pid"; then
    kill -HUP "$(cat "$s/sshd.pid")" # reads its config again
    return
  fi
  mkdir -p /run/sshd
  say "starting sshd on 127.0.0.1:$SSH_PORT"
  /usr/sbin/sshd -f "$s/sshd_config" -E "$s/sshd.log"
  wait_for "sshd answering on 127.0.0.1:$SSH_PORT (see $s/sshd.log)" 20 \
    ssh -F "$s/config" -o BatchMode=yes -o ConnectTimeout=2 127.0.0.1 docker version
}

# The offline images, as a classroom without internet gets them: saved from the first engine, loaded here.
load_images() {
  local cli=dist/bin/kafka-lab.js
  [ -f "$cli" ] || return 0
  if DOCKER_HOST="unix://$SOCK" node "$cli" images list >/dev/null; then return; fi
  say "loading the offline images: images save on the first engine, images load on the second"
  DOCKER_HOST= node "$cli" images save "$DIR/images.tar" --images local >/dev/null 2>&1
  DOCKER_HOST="unix://$SOCK" node "$cli" images load "$DIR/images.tar" >/dev/null 2>&1
  rm -f "$DIR/images.tar"
}

case "${1:-}" in
  start)
    bash scripts/ensure-packages.sh sshd:openssh-server
    start_engine
    start_sshd
    load_images
    envlines | tee "$DIR/env"
    ;;
  stop)
    if alive "$DIR/ssh/sshd.pid"; then kill "$(cat "$DIR/ssh/sshd.pid")"; fi
    if alive "$DIR/dockerd.pid"; then
      pid=$(cat "$DIR/dockerd.pid")
      say "stopping dockerd $pid"
      kill "$pid"
      wait_for "dockerd $pid ending" 60 bash -c "! kill -0 $pid"
    fi
    if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE"; fi
    while forward_rule -C 2>/dev/null; do forward_rule -D; done
    # A dockerd that was killed (the fleet test does) leaves its data root's mounts; deepest first.
    awk -v d="$DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
    ;;
  env)
    envlines
    ;;
  *)
    echo "Usage: scripts/second-engine.sh start|stop|env" >&2
    exit 2
    ;;
esac
