#!/usr/bin/env bash
# Builds kafka-lab's offline images (drop-ins for confluentinc/cp-zookeeper, cp-kafka and
# edenhill/kcat) without any container registry. See README.md in this directory.
#
#   bash compose/images/build.sh --tag TAG [--cache DIR]
#
# Images (each step is skipped when its tag already exists):
#   kafka-lab/base:TAG        Debian bookworm minbase + OpenJDK 17 JRE + kcat (debootstrap, docker import)
#   kafka-lab/kafka-dist:TAG  base + Kafka 3 jars from Maven Central + scripts (shared layers)
#   kafka-lab/kafka:TAG       kafka-dist + broker defaults        (drop-in for cp-kafka 7)
#   kafka-lab/zookeeper:TAG   kafka-dist + ZooKeeper defaults     (drop-in for cp-zookeeper 7)
#   kafka-lab/kafka4-dist:TAG base + Kafka 4 jars + scripts + rootfs-kafka4 (log4j2, moved tools)
#   kafka-lab/kafka4:TAG      kafka4-dist + broker defaults       (drop-in for cp-kafka 8, KRaft)
#   kafka-lab/kcat:TAG        base + ENTRYPOINT kcat              (drop-in for edenhill/kcat)
#
# Needs: a Docker engine, and for a first build root (debootstrap), debootstrap, Maven, and
# network access to the Debian mirror and Maven Central. Nothing is pulled from a registry.
# Progress goes to stdout as "[images] ..." lines; command output goes to DIR/logs/.
# Environment: KAFKA_LAB_DEBIAN_MIRROR overrides the Debian mirror read from /etc/apt.
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TAG=""
CACHE_DIR="${HOME:-/root}/.cache/kafka-lab"

log() { printf '[images] %s\n' "$*"; }
die() {
  printf '[images] ERROR: %s\n' "$*" >&2
  exit 1
}
usage() {
  cat <<'EOF'
usage: bash compose/images/build.sh --tag TAG [--cache DIR]
  --tag TAG    tag for every kafka-lab/* image built (e.g. 3.9.2-1)
  --cache DIR  directory for temporary build files and logs (default: $HOME/.cache/kafka-lab)
EOF
}

while [ $# -gt 0 ]; do
  case $1 in
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; TAG=$2; shift 2 ;;
    --tag=*) TAG=${1#*=}; shift ;;
    --cache) [ $# -ge 2 ] || die "--cache needs a value"; CACHE_DIR=$2; shift 2 ;;
    --cache=*) CACHE_DIR=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[ -n "$TAG" ] || { usage >&2; die "--tag is required"; }
[[ $TAG =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "invalid image tag '$TAG'"

BASE_IMAGE=kafka-lab/base:$TAG
DIST_IMAGE=kafka-lab/kafka-dist:$TAG
KAFKA_IMAGE=kafka-lab/kafka:$TAG
ZOOKEEPER_IMAGE=kafka-lab/zookeeper:$TAG
KCAT_IMAGE=kafka-lab/kcat:$TAG
KAFKA4_DIST_IMAGE=kafka-lab/kafka4-dist:$TAG
KAFKA4_IMAGE=kafka-lab/kafka4:$TAG
kafka_version_of() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/$1"; }
KAFKA_VERSION=$(kafka_version_of pom.xml)
KAFKA4_VERSION=$(kafka_version_of pom-kafka4.xml)
[ -n "$KAFKA_VERSION" ] && [ -n "$KAFKA4_VERSION" ] || die "cannot read <kafka.version> from $HERE/pom.xml and pom-kafka4.xml"

mkdir -p "$CACHE_DIR/logs" "$CACHE_DIR/tmp" || die "cannot create cache directory $CACHE_DIR"
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)
LOGS=$CACHE_DIR/logs
WORK=""

trap 'die "unexpected failure (line $LINENO): $BASH_COMMAND"' ERR

# Unmounts anything still mounted below $1 (debootstrap mounts /proc and /sys in its target).
remove_stray_mounts() {
  local mnt
  while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
}
# Deletes directory $1, never through a mount point.
remove_tree() {
  [ -n "$1" ] && [ -d "$1" ] || return 0
  remove_stray_mounts "$1"
  rm -rf --one-file-system "$1"
}
cleanup() { remove_tree "$WORK"; }
trap cleanup EXIT

# run NAME COMMAND...: runs COMMAND with its output in $LOGS/NAME.log. On failure, names the
# command, shows the end of its output and stops the build. COMMAND runs in the background
# so that an interrupt (SIGINT/SIGTERM) is handled at once, not when COMMAND ends.
CHILD=""
run() {
  local name=$1 rc=0
  shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=""
  if [ "$rc" -ne 0 ]; then
    {
      printf '[images] ERROR: command failed (exit %s): %s\n' "$rc" "$*"
      printf '[images] last lines of %s:\n' "$LOGS/$name.log"
      tail -n 25 "$LOGS/$name.log" | sed 's/^/    /'
    } >&2
    exit 1
  fi
}

# Stops process $1 and everything it started (debootstrap runs dpkg in a chroot, etc.);
# the process ids go to KILLED.
KILLED=()
kill_tree() {
  local child
  kill -STOP "$1" 2>/dev/null || return 0
  KILLED+=("$1")
  for child in $(pgrep -P "$1" || true); do
    kill_tree "$child"
  done
  kill -TERM "$1" 2>/dev/null || true
  kill -CONT "$1" 2>/dev/null || true
}
on_signal() {
  trap - INT TERM
  printf '[images] interrupted (%s), stopping\n' "$1" >&2
  if [ -n "$CHILD" ]; then
    kill_tree "$CHILD"
    wait "$CHILD" 2>/dev/null || true
    # let the whole tree exit before the EXIT trap deletes its files (at most ~10 s)
    local pid tries=0
    for pid in "${KILLED[@]}"; do
      while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 100 ]; do
        sleep 0.1
        tries=$((tries + 1))
      done
    done
  fi
  exit "$2"   # the EXIT trap removes temporary files
}
trap 'on_signal SIGINT 130' INT
trap 'on_signal SIGTERM 143' TERM

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_size() { docker image inspect --format '{{.Size}}' "$1" | awk '{ printf "%d MB", $1 / 1000000 }'; }
need_command() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed ($2)"; }

# The Debian mirror this machine's apt uses for bookworm (deb822 .sources or one-line .list).
debian_mirror() {
  local uri
  if [ -n "${KAFKA_LAB_DEBIAN_MIRROR:-}" ]; then
    printf '%s\n' "$KAFKA_LAB_DEBIAN_MIRROR"
    return
  fi
  uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
    BEGIN { RS = ""; FS = "\n" }
    {
      uri = ""; deb = 0; suite = 0
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^Types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1
        if ($i ~ /^URIs:/) { split($i, u, /[ \t]+/); uri = u[2] }
        if ($i ~ /^Suites:/) { n = split($i, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == "bookworm") suite = 1 }
        if ($i ~ /^Enabled:[ \t]*no/) deb = 0
      }
      if (deb && suite && uri != "") { print uri; exit }
    }')
  if [ -z "$uri" ]; then
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == "bookworm") { print $i; exit }
      }')
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# Keeps the imported root fs small: no package cache, docs (copyright files stay), man pages,
# translations, logs, device nodes (Docker provides /dev) or the host's resolv.conf.
slim_rootfs() {
  local r=${1:?}
  rm -rf --one-file-system "${r:?}"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/*.bin \
    "$r"/var/lib/apt/lists/* "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/* \
    "${r:?}"/dev/* "${r:?}"/tmp/* "$r"/var/tmp/* &&
    find "$r/var/log" -type f -delete &&
    find "$r/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete &&
    find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete &&
    : > "$r/etc/resolv.conf" &&
    rm -f "$r/etc/hostname"
}

import_rootfs() {
  tar --numeric-owner -C "$1" -c . |
    docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["/bin/bash"]' \
      --change "LABEL dev.kafka-lab.image=base dev.kafka-lab.tag=$TAG" \
      --message "kafka-lab base: Debian bookworm minbase, openjdk-17-jre-headless, kcat" \
      - "$BASE_IMAGE"
}

# docker_build DOCKERFILE CONTEXT IMAGE KAFKA_VERSION [docker build args...] (classic builder, never pulls)
docker_build() {
  local dockerfile=$1 context=$2 image=$3 version=$4
  shift 4
  DOCKER_BUILDKIT=0 docker build --force-rm -f "$dockerfile" -t "$image" \
    --label "dev.kafka-lab.tag=$TAG" --label "dev.kafka-lab.kafka-version=$version" \
    "$@" "$context"
}

build_base() {
  [ "$(id -u)" = 0 ] || die "building $BASE_IMAGE needs root (debootstrap); run as root or build once elsewhere"
  need_command debootstrap "apt-get install debootstrap"
  local mirror rootfs=$WORK/rootfs t0=$SECONDS
  mirror=$(debian_mirror)
  log "$BASE_IMAGE: debootstrap bookworm from $mirror (about a minute)"
  run debootstrap debootstrap --variant=minbase \
    --include=openjdk-17-jre-headless,bash,procps,kcat bookworm "$rootfs" "$mirror"
  remove_stray_mounts "$rootfs"
  run slim-rootfs slim_rootfs "$rootfs"
  log "$BASE_IMAGE: importing root fs"
  run import import_rootfs "$rootfs"
  remove_tree "$rootfs"
  log "$BASE_IMAGE: built in $((SECONDS - t0)) s"
}
# build_dist IMAGE POM VERSION OVERLAY_DIR LOG4J: the jars of one Kafka line, the shared scripts and
# what that line changes (OVERLAY_DIR, may be empty).
build_dist() {
  need_command mvn "apt-get install maven"
  local image=$1 pom=$2 version=$3 overlay=$4 log4j=$5 t0=$SECONDS
  local ctx=$WORK/dist-$version
  mkdir -p "$ctx/overlay"
  log "$image: fetching Kafka $version jars with Maven"
  run "maven-$version" mvn -B -q -Dstyle.color=never -f "$HERE/$pom" dependency:copy-dependencies -DoutputDirectory="$ctx/jars"
  [ -f "$ctx/jars/kafka_2.13-$version.jar" ] || die "Maven did not produce kafka_2.13-$version.jar (see $LOGS/maven-$version.log)"
  cp -R "$HERE/rootfs" "$ctx/rootfs"
  [ -z "$overlay" ] || cp -R "$HERE/$overlay/." "$ctx/overlay/"
  cp "$HERE/Dockerfile.dist" "$ctx/Dockerfile"
  log "$image: docker build ($(find "$ctx/jars" -name '*.jar' | wc -l) jars)"
  run "build-dist-$version" docker_build "$ctx/Dockerfile" "$ctx" "$image" "$version" \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "LOG4J=$log4j"
  remove_tree "$ctx"
  log "$image: built in $((SECONDS - t0)) s"
}

# build_small IMAGE DOCKERFILE FROM_ARG=VALUE KAFKA_VERSION: images made of a few Dockerfile lines.
build_small() {
  local image=$1 dockerfile=$2 arg=$3 version=$4 ctx
  ctx=$WORK/ctx-${image##*/}
  ctx=${ctx%%:*}
  mkdir -p "$ctx"
  cp "$HERE/$dockerfile" "$ctx/Dockerfile"
  log "$image: docker build"
  run "build-${image##*/}" docker_build "$ctx/Dockerfile" "$ctx" "$image" "$version" --build-arg "$arg"
  remove_tree "$ctx"
}

started=$SECONDS
need_command docker "see scripts/ensure-docker.sh"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "the Docker engine does not answer (docker version); start it, e.g. bash scripts/ensure-docker.sh"

# One build at a time per cache directory (two builds of the same tag would race).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/build.lock"
  if ! flock -n 9; then
    log "waiting for another build.sh using $CACHE_DIR"
    flock 9 &
    CHILD=$!
    wait "$CHILD" || die "could not lock $CACHE_DIR/build.lock"
    CHILD=""
  fi
fi

WORK=$(mktemp -d "$CACHE_DIR/tmp/build-$TAG.XXXXXX")
log "tag $TAG, Kafka $KAFKA_VERSION and $KAFKA4_VERSION, logs in $LOGS"

if image_exists "$BASE_IMAGE"; then
  log "$BASE_IMAGE exists, skipping"
else
  build_base
fi

if image_exists "$DIST_IMAGE"; then
  log "$DIST_IMAGE exists, skipping"
elif image_exists "$KAFKA_IMAGE" && image_exists "$ZOOKEEPER_IMAGE"; then
  log "$KAFKA_IMAGE and $ZOOKEEPER_IMAGE exist, $DIST_IMAGE not needed"
else
  build_dist "$DIST_IMAGE" pom.xml "$KAFKA_VERSION" "" 1
fi

if image_exists "$KAFKA4_DIST_IMAGE"; then
  log "$KAFKA4_DIST_IMAGE exists, skipping"
elif image_exists "$KAFKA4_IMAGE"; then
  log "$KAFKA4_IMAGE exists, $KAFKA4_DIST_IMAGE not needed"
else
  build_dist "$KAFKA4_DIST_IMAGE" pom-kafka4.xml "$KAFKA4_VERSION" rootfs-kafka4 2
fi

build_small_unless_exists() {
  if image_exists "$1"; then
    log "$1 exists, skipping"
  else
    build_small "$@"
  fi
}
build_small_unless_exists "$KAFKA_IMAGE" Dockerfile.kafka "DIST_IMAGE=$DIST_IMAGE" "$KAFKA_VERSION"
build_small_unless_exists "$ZOOKEEPER_IMAGE" Dockerfile.zookeeper "DIST_IMAGE=$DIST_IMAGE" "$KAFKA_VERSION"
build_small_unless_exists "$KAFKA4_IMAGE" Dockerfile.kafka "DIST_IMAGE=$KAFKA4_DIST_IMAGE" "$KAFKA4_VERSION"
build_small_unless_exists "$KCAT_IMAGE" Dockerfile.kcat "BASE_IMAGE=$BASE_IMAGE" "$KAFKA_VERSION"

for image in "$BASE_IMAGE" "$KAFKA_IMAGE" "$ZOOKEEPER_IMAGE" "$KAFKA4_IMAGE" "$KCAT_IMAGE"; do
  log "ready: $image ($(image_size "$image"))"
done
log "done in $((SECONDS - started)) s"
