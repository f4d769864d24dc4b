# shellcheck shell=bash
#
# Shared functions for scripts/run, scripts/test, scripts/images and scripts/kafka-broker.
# Source it from a script that runs with `set -euo pipefail`:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Every gozo_ensure_* / gozo_build_* function is idempotent: it checks first, does the work
# only when needed, and prints one `==> what: doing` line per step.
#
# Environment knobs (all optional):
#   GOZO_DEBIAN_MIRROR        Debian mirror for debootstrap (http://deb.debian.org/debian)
#   GOZO_CACHE_DIR            scratch space for debootstrap (/var/cache/gozo when root)
#   GOZO_RESULTS_RETENTION_MS how long gozo.results keeps a result (7 days)
#   GOZO_EVENTS_RETENTION_MS  how long gozo.events keeps an event (1 day)
#   GOZO_SHARE_GROUP          the workers' share group (gozo-workers)
#                             (these three are read by InitTopics; their defaults, like the
#                             topics' names and partitions, live in topics/.../Topics.java)
#   GOZO_REBUILD=1            rebuild images even when they are up to date
#   GOZO_KEEP_CONTAINERS=1    do not remove containers labelled dev.gozo.owner on exit
#   GOZO_STATE_DIR            pid files, logs, generated keys and a started broker's data
#                             (.gozo); a second system on this machine (scripts/soak, the
#                             supervisor test) gets a directory of its own

GOZO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GOZO_STATE_DIR=${GOZO_STATE_DIR:-"$GOZO_ROOT/.gozo"}
GOZO_LOG_DIR="$GOZO_STATE_DIR/logs"
GOZO_PID_DIR="$GOZO_STATE_DIR/run"
GOZO_CATALOGUE_FILE="$GOZO_ROOT/deploy/runtimes/catalogue.json"
# The resolved Kafka jars depend on deploy/kafka/pom.xml only: one file for every state dir.
GOZO_KAFKA_CLASSPATH_FILE="$GOZO_ROOT/.gozo/kafka/classpath.txt"

GOZO_BASE_IMAGE="gozo/base:bookworm"
GOZO_SANDBOX_BASE_IMAGE="gozo/sandbox-base:1"
GOZO_BUILD_HASH_LABEL="dev.gozo.build-hash"
GOZO_OWNER_LABEL="dev.gozo.owner"

: "${GOZO_DEBIAN_MIRROR:=http://deb.debian.org/debian}"

# JVM options of the gateway and the workers (scripts/run, and the bench's own gateway).
# Sized so each process stays under 300 MB of RSS under load (docs/benchmarks.md, "Memory"):
# the gateway's live data is its result store (GOZO_STORE_MAX_BYTES, 32 MiB) and ~30 MB of job
# records, so 144 MiB of heap; the serial collector needs no remembered sets (G1's took 42 MB
# beside a 192 MiB heap) and its pauses stay at a few ms with a 24 MiB young generation. The
# JIT's scratch memory is freed after a burst of compilations but glibc keeps it: trimming the
# native heap every 5 s gave back ~40 MB after the async test.
: "${GOZO_GATEWAY_JAVA_OPTS:=-Xms32m -Xmx144m -Xmn24m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000}"
# The worker's heap holds little (jobs in flight, their output up to its cap), but it keeps two
# threads per warm or spent container for their attach streams (~230 with the default python
# reserve of 100): with G1 it reached 271 MB under load, with the serial collector, 192 MiB of
# heap and 512 KiB thread stacks 225 MB, and no latency difference measurable in the bench.
: "${GOZO_WORKER_JAVA_OPTS:=-Xms32m -Xmx192m -Xss512k -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000}"
# Fewer glibc malloc arenas for the JVMs: with one per thread, freed native memory stays spread
# over many arenas and counts in the RSS.
: "${GOZO_MALLOC_ARENA_MAX:=2}"

mkdir -p "$GOZO_LOG_DIR" "$GOZO_PID_DIR"

# --- output ----------------------------------------------------------------------------

gozo_say() { printf '==> %s\n' "$*"; }
gozo_warn() { printf 'warning: %s\n' "$*" >&2; }
gozo_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Seconds since the epoch, for "took 12s" messages.
gozo_now() { date +%s; }

# gozo_tail_log FILE [LINES]: the end of a log, indented, for failure messages.
gozo_tail_log() {
  local file=$1 lines=${2:-40}
  if [[ -s $file ]]; then
    printf -- '--- last %s lines of %s ---\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" | sed 's/^/    /' >&2
  fi
}

# --- packages --------------------------------------------------------------------------

_GOZO_APT_UPDATED=0

# gozo_apt_install PACKAGE...: installs the Debian packages that are missing.
gozo_apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    gozo_die "missing packages: ${missing[*]}. Install them (as root: apt-get update && apt-get install -y ${missing[*]}) and run this again."
  fi
  if ((_GOZO_APT_UPDATED == 0)); then
    gozo_say "packages: apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$GOZO_LOG_DIR/apt.log" 2>&1 ||
      { gozo_tail_log "$GOZO_LOG_DIR/apt.log"; gozo_die "apt-get update failed"; }
    _GOZO_APT_UPDATED=1
  fi
  gozo_say "packages: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >>"$GOZO_LOG_DIR/apt.log" 2>&1 ||
    { gozo_tail_log "$GOZO_LOG_DIR/apt.log"; gozo_die "apt-get install ${missing[*]} failed"; }
}

# gozo_require_tools TOOL...: each TOOL must be on PATH (java, mvn, python3 come with the
# machine; this only explains what is missing).
gozo_require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || gozo_die "$tool is not on PATH; install it first (a JDK 17, Maven 3.8+ and python3 are needed)"
  done
}

# --- docker engine ---------------------------------------------------------------------

# gozo_docker ARGS...: the Docker CLI. Debian's /usr/bin/docker matches the engine's API
# (20.10); a newer CLI earlier on PATH works too, so it is only a fallback.
gozo_docker() {
  if [[ -x /usr/bin/docker ]]; then
    /usr/bin/docker "$@"
  else
    command docker "$@"
  fi
}

gozo_docker_answers() { gozo_docker info >/dev/null 2>&1; }

# gozo_ensure_docker: a Docker engine that answers on /var/run/docker.sock. Installs
# docker.io when it is missing and starts dockerd in the background (runc, default bridge);
# a dockerd started here outlives the script that started it (its pid is then in
# GOZO_DOCKERD_STARTED).
GOZO_DOCKERD_STARTED=
gozo_ensure_docker() {
  if command -v docker >/dev/null && gozo_docker_answers; then
    gozo_say "docker engine: running (server $(gozo_docker version --format '{{.Server.Version}}' 2>/dev/null))"
    return 0
  fi
  if ! command -v dockerd >/dev/null; then
    gozo_apt_install docker.io
  fi
  if [[ -f /var/run/docker.pid ]] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    gozo_say "docker engine: dockerd is running but not answering yet, waiting"
  else
    if [[ $(id -u) != 0 ]]; then
      gozo_die "the Docker engine is not running and only root can start it: run 'sudo dockerd &' (or start the docker service), then run this again"
    fi
    gozo_say "docker engine: starting dockerd (log: ${GOZO_LOG_DIR#"$GOZO_ROOT"/}/dockerd.log)"
    # A pid file left by a dockerd that died uncleanly stops the next one from starting.
    rm -f /var/run/docker.pid
    # setsid: Ctrl-C in the caller's terminal must not reach dockerd.
    setsid dockerd >>"$GOZO_LOG_DIR/dockerd.log" 2>&1 </dev/null &
    GOZO_DOCKERD_STARTED=$!
  fi
  local deadline=$(($(gozo_now) + 60))
  until gozo_docker_answers; do
    if [[ -n $GOZO_DOCKERD_STARTED ]] && ! kill -0 "$GOZO_DOCKERD_STARTED" 2>/dev/null; then
      gozo_tail_log "$GOZO_LOG_DIR/dockerd.log"
      gozo_die "dockerd exited during start-up"
    fi
    if (($(gozo_now) > deadline)); then
      gozo_tail_log "$GOZO_LOG_DIR/dockerd.log"
      gozo_die "dockerd did not answer on /var/run/docker.sock within 60 s"
    fi
    sleep 0.5
  done
  gozo_say "docker engine: ready (server $(gozo_docker version --format '{{.Server.Version}}'))"
}

gozo_image_exists() { gozo_docker image inspect "$1" >/dev/null 2>&1; }

# gozo_remove_owned_containers: removes every container our code labelled dev.gozo.owner,
# unless GOZO_KEEP_CONTAINERS=1 (several runs sharing one engine).
gozo_remove_owned_containers() {
  [[ ${GOZO_KEEP_CONTAINERS:-0} == 1 ]] && return 0
  gozo_docker_answers || return 0
  local ids
  ids=$(gozo_docker ps -aq --filter "label=$GOZO_OWNER_LABEL")
  if [[ -n $ids ]]; then
    gozo_say "docker: removing $(wc -w <<<"$ids") leftover sandbox container(s)"
    # shellcheck disable=SC2086 # one id per word
    gozo_docker rm -f $ids >/dev/null 2>&1 || true
  fi
}

# --- images ----------------------------------------------------------------------------

# gozo_ensure_base_image: gozo/base:bookworm, a minimal Debian made with debootstrap and
# `docker import`, because no registry (and so no debian:bookworm-slim) can be pulled here.
gozo_ensure_base_image() {
  if gozo_image_exists "$GOZO_BASE_IMAGE" && [[ ${GOZO_REBUILD:-0} != 1 ]]; then
    gozo_say "base image: $GOZO_BASE_IMAGE exists"
    return 0
  fi
  command -v debootstrap >/dev/null || gozo_apt_install debootstrap
  local cache=${GOZO_CACHE_DIR:-}
  if [[ -z $cache ]]; then
    if [[ -w /var/cache ]]; then cache=/var/cache/gozo; else cache="$GOZO_STATE_DIR/cache"; fi
  fi
  local dir="$cache/debootstrap-bookworm" log="$GOZO_LOG_DIR/debootstrap.log" started
  started=$(gozo_now)
  gozo_say "base image: debootstrap --variant=minbase bookworm (log: ${log#"$GOZO_ROOT"/})"
  rm -rf "$dir"
  mkdir -p "$dir"
  if ! debootstrap --variant=minbase bookworm "$dir" "$GOZO_DEBIAN_MIRROR" >"$log" 2>&1; then
    gozo_tail_log "$log"
    rm -rf "$dir"
    gozo_die "debootstrap failed"
  fi
  # Same package sources as Debian's official bookworm image (updates and security too),
  # so a Dockerfile built FROM either base installs the same versions.
  rm -f "$dir/etc/apt/sources.list"
  cat >"$dir/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${GOZO_DEBIAN_MIRROR}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${GOZO_DEBIAN_MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # What debian:bookworm-slim leaves out too: docs (but copyrights), man pages, translations.
  find "$dir/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
  find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  rm -rf "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/var/cache/apt/*.bin \
    "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/var/log/*.log
  gozo_say "base image: importing $GOZO_BASE_IMAGE"
  tar -C "$dir" -c . | gozo_docker import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    - "$GOZO_BASE_IMAGE" >/dev/null
  rm -rf "$dir"
  gozo_say "base image: $GOZO_BASE_IMAGE built in $(($(gozo_now) - started))s ($(gozo_image_size "$GOZO_BASE_IMAGE"))"
}

gozo_image_size() {
  gozo_docker image inspect --format '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1 / 1000000}'
}

# gozo_context_hash DIR [EXTRA]: sha256 over the names and contents of DIR's files, plus
# EXTRA (the parent image id), so a changed Dockerfile or a rebuilt base triggers a rebuild.
gozo_context_hash() {
  local dir=$1 extra=${2:-}
  {
    (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    printf '%s\n' "$extra"
  } | sha256sum | cut -d' ' -f1
}

# gozo_build_image IMAGE CONTEXT_DIR BASE_IMAGE STEP: builds IMAGE unless it exists with
# the current build hash. STEP is the "[3/6]" progress prefix.
gozo_build_image() {
  local image=$1 context=$2 base=$3 step=$4 hash current old_id log started
  hash=$(gozo_context_hash "$context" "$(gozo_docker image inspect --format '{{.Id}}' "$base")")
  old_id=$(gozo_docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  current=$(gozo_docker image inspect --format "{{index .Config.Labels \"$GOZO_BUILD_HASH_LABEL\"}}" "$image" 2>/dev/null || true)
  if [[ $current == "$hash" && ${GOZO_REBUILD:-0} != 1 ]]; then
    gozo_say "$step $image is up to date"
    return 0
  fi
  log="$GOZO_LOG_DIR/build-${image//[\/:]/-}.log"
  started=$(gozo_now)
  gozo_say "$step building $image ... (log: ${log#"$GOZO_ROOT"/})"
  if ! DOCKER_BUILDKIT=0 gozo_docker build --network host \
    --build-arg "BASE_IMAGE=$base" \
    --label "$GOZO_BUILD_HASH_LABEL=$hash" \
    -t "$image" "$context" >"$log" 2>&1; then
    gozo_tail_log "$log"
    gozo_die "building $image failed"
  fi
  # The image this one replaces is now untagged: drop it unless a container still uses it.
  if [[ -n $old_id && $old_id != "$(gozo_docker image inspect --format '{{.Id}}' "$image")" ]]; then
    gozo_docker rmi "$old_id" >/dev/null 2>&1 || true
  fi
  gozo_say "$step built $image in $(($(gozo_now) - started))s ($(gozo_image_size "$image"))"
}

# gozo_catalogue_runtimes [NAME...]: one "image<TAB>buildContext" line per distinct image
# of the catalogue's runtimes, in catalogue order. A NAME matches a language, an alias, a
# build context or an image; no NAME means every runtime.
gozo_catalogue_runtimes() {
  python3 - "$GOZO_CATALOGUE_FILE" "$@" <<'EOF'
import json, sys
catalogue, wanted = sys.argv[1], set(sys.argv[2:])
seen, found = set(), set()
for rt in json.load(open(catalogue))["runtimes"]:
    names = {rt["language"], rt["image"], rt["buildContext"], *rt.get("aliases", [])}
    hit = names & wanted
    if wanted and not hit:
        continue
    found |= hit
    if rt["image"] not in seen:
        seen.add(rt["image"])
        print(f'{rt["image"]}\t{rt["buildContext"]}')
missing = wanted - found
if missing:
    sys.exit("unknown runtime(s): " + ", ".join(sorted(missing)))
EOF
}

# gozo_build_runtime_images [NAME...]: gozo/sandbox-base:1, then each runtime image of the
# catalogue (all, or those NAMEs match), each built once.
gozo_build_runtime_images() {
  local lines
  lines=$(gozo_catalogue_runtimes "$@") || gozo_die "no such runtime in ${GOZO_CATALOGUE_FILE#"$GOZO_ROOT"/}"
  local -a images=() contexts=()
  local image context
  while IFS=$'\t' read -r image context; do
    images+=("$image")
    contexts+=("$context")
  done <<<"$lines"
  local total=$((${#images[@]} + 1)) i started
  started=$(gozo_now)
  gozo_build_image "$GOZO_SANDBOX_BASE_IMAGE" "$GOZO_ROOT/deploy/runtimes/base" "$GOZO_BASE_IMAGE" "[1/$total]"
  for i in "${!images[@]}"; do
    gozo_build_image "${images[$i]}" "$GOZO_ROOT/deploy/runtimes/${contexts[$i]}" \
      "$GOZO_SANDBOX_BASE_IMAGE" "[$((i + 2))/$total]"
  done
  gozo_say "runtime images: ready in $(($(gozo_now) - started))s"
}

# gozo_verify_runtime_versions [NAME...]: runs each runtime's versionCommand in its image
# under the sandbox's own restrictions and checks the output against the catalogue version.
# Returns non-zero when a command fails; a version that differs is only a warning.
gozo_verify_runtime_versions() {
  local lines rc=0
  lines=$(python3 - "$GOZO_CATALOGUE_FILE" "$@" <<'EOF'
import json, sys
wanted = set(sys.argv[2:])
for rt in json.load(open(sys.argv[1]))["runtimes"]:
    names = {rt["language"], rt["image"], rt["buildContext"], *rt.get("aliases", [])}
    if not wanted or names & wanted:
        print("\t".join([rt["language"], rt["version"], rt["image"], rt["versionCommand"]]))
EOF
  ) || gozo_die "cannot read $GOZO_CATALOGUE_FILE"
  local language version image command output
  while IFS=$'\t' read -r language version image command; do
    if ! output=$(gozo_sandbox_run "$image" sh -c "$command" 2>&1); then
      gozo_warn "$language: '$command' failed in $image: $output"
      rc=1
      continue
    fi
    output=$(head -n 1 <<<"$output")
    if [[ $output == *"$version"* ]]; then
      gozo_say "version: $language $version ok ($output)"
    else
      gozo_warn "$language: catalogue says $version, $image reports: $output"
    fi
  done <<<"$lines"
  return "$rc"
}

# gozo_sandbox_run IMAGE CMD...: runs CMD the way the worker runs a job: read-only root,
# no network, no capabilities, unprivileged user, small writable tmpfs for /work and /tmp.
gozo_sandbox_run() {
  local image=$1
  shift
  gozo_docker run --rm --read-only --network none --user 10001:10001 \
    --tmpfs /work:exec,size=64m,uid=10001,gid=10001 \
    --tmpfs /tmp:size=64m,uid=10001,gid=10001 \
    --cap-drop ALL --security-opt no-new-privileges \
    --label "$GOZO_OWNER_LABEL=scripts" \
    "$image" "$@"
}

# gozo_ensure_images [NAME...]: docker engine, base image, runtime images, version check.
gozo_ensure_images() {
  gozo_ensure_docker
  gozo_ensure_base_image
  gozo_build_runtime_images "$@"
  gozo_verify_runtime_versions "$@"
}

# --- processes -------------------------------------------------------------------------

# gozo_pid NAME: the pid in .gozo/run/NAME.pid when that process is alive.
gozo_pid() {
  local file="$GOZO_PID_DIR/$1.pid" pid
  [[ -f $file ]] || return 1
  pid=$(cat "$file")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# gozo_start_process NAME CMD...: starts CMD in the background in its own session (so a
# Ctrl-C in the terminal reaches only the script, which then stops things in order), with
# output in .gozo/logs/NAME.log and its pid in .gozo/run/NAME.pid. Extra environment can be
# passed with `env VAR=value` as CMD. GOZO_LOG_APPEND=1 appends to the log instead of
# replacing it (a restarted process keeps its previous life's log). The started child's pid
# is left in GOZO_STARTED_PID, so that the caller can `wait` for its exit code.
GOZO_STARTED_PID=
gozo_start_process() {
  local name=$1
  shift
  local pidfile="$GOZO_PID_DIR/$name.pid" log="$GOZO_LOG_DIR/$name.log"
  rm -f "$pidfile"
  [[ ${GOZO_LOG_APPEND:-0} == 1 ]] || : >"$log"
  # The inner shell writes its own pid, then execs CMD: the pid file names CMD itself.
  # shellcheck disable=SC2016 # $$, $0 and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" \
    >>"$log" 2>&1 </dev/null &
  # shellcheck disable=SC2034 # read by the caller
  GOZO_STARTED_PID=$!
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  gozo_die "$name did not start"
}

# gozo_stop_processes GRACE_SECONDS NAME...: SIGTERM to each, then waits up to GRACE for
# all of them together, then SIGKILL for any still alive. Removes their pid files. Names
# that are not running are fine, so stopping twice is harmless.
gozo_stop_processes() {
  local grace=$1 name pid
  shift
  local -a pids=()
  for name in "$@"; do
    if pid=$(gozo_pid "$name"); then
      gozo_say "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  local deadline=$(($(gozo_now) + grace)) alive
  while ((${#pids[@]} > 0)); do
    alive=()
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive+=("$pid")
    done
    pids=("${alive[@]+"${alive[@]}"}")
    ((${#pids[@]} == 0)) && break
    if (($(gozo_now) >= deadline)); then
      gozo_warn "pid(s) ${pids[*]} did not stop within ${grace}s, killing them"
      kill -KILL "${pids[@]}" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  for name in "$@"; do
    rm -f "$GOZO_PID_DIR/$name.pid"
  done
}

# gozo_stop_process NAME [GRACE_SECONDS]: one process; GRACE defaults to 10 s.
gozo_stop_process() { gozo_stop_processes "${2:-10}" "$1"; }

# gozo_port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
gozo_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- kafka -----------------------------------------------------------------------------

# gozo_kafka_classpath: prints the classpath of the Kafka 4.4.0 jars (deploy/kafka/pom.xml),
# resolving it from Maven Central the first time or when the pom changed.
gozo_kafka_classpath() {
  local pom="$GOZO_ROOT/deploy/kafka/pom.xml"
  if [[ ! -s $GOZO_KAFKA_CLASSPATH_FILE || $pom -nt $GOZO_KAFKA_CLASSPATH_FILE ]]; then
    mkdir -p "$(dirname "$GOZO_KAFKA_CLASSPATH_FILE")"
    gozo_say "kafka: resolving the Kafka jars (mvn dependency:build-classpath)" >&2
    # Written aside and renamed: brokers started side by side may resolve at the same time.
    local tmp="$GOZO_KAFKA_CLASSPATH_FILE.$$"
    if ! mvn -B -q -f "$pom" dependency:build-classpath \
      -Dmdep.outputFile="$tmp" >"$GOZO_LOG_DIR/kafka-classpath.log" 2>&1; then
      gozo_tail_log "$GOZO_LOG_DIR/kafka-classpath.log"
      rm -f "$tmp"
      gozo_die "could not resolve the Kafka jars"
    fi
    mv -f "$tmp" "$GOZO_KAFKA_CLASSPATH_FILE"
  fi
  cat "$GOZO_KAFKA_CLASSPATH_FILE"
}

# gozo_kafka_tool CLASS ARGS...: runs one of Kafka's command-line tools from the jars.
gozo_kafka_tool() { gozo_kafka_java "" "$@"; }

# gozo_kafka_java EXTRA_CP CLASS ARGS...: runs CLASS with the Kafka jars, and EXTRA_CP before
# them when not empty, on the class path.
gozo_kafka_java() {
  local extra=$1 class=$2 cp
  shift 2
  cp=$(gozo_kafka_classpath)
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$GOZO_ROOT/deploy/kafka/tools-log4j2.properties" \
    -cp "${extra:+$extra:}$cp" "$class" "$@"
}

# gozo_kafka_write_config DATA_DIR PORT CTRL_PORT: DATA_DIR/server.properties for a
# single-node KRaft broker+controller listening on 127.0.0.1 only.
gozo_kafka_write_config() {
  local data=$1 port=$2 ctrl=$3
  mkdir -p "$data"
  cat >"$data/server.properties" <<EOF
# Written by scripts/lib/common.sh (gozo_kafka_write_config); rewritten at every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${ctrl}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${ctrl}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${data}/logs

# A job may carry 4 MiB of files and 1 MiB of stdin, a result 4 MiB of output per step:
# records up to 16 MiB (the default is 1 MiB).
message.max.bytes=16777216
replica.fetch.max.bytes=16777216

# Topics are created by scripts (gozo_create_topics), never by a client's typo.
auto.create.topics.enable=false
num.partitions=6
group.initial.rebalance.delay.ms=0

# One broker: every internal topic has one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# 50 partitions each by default; a few are plenty on one broker and start faster.
offsets.topic.num.partitions=6
share.coordinator.state.topic.num.partitions=6

# Share groups (KIP-932): a delivered job stays locked to its worker for the lock duration,
# then it is redelivered. 60 s for groups that set nothing; the workers set their own group's
# share.record.lock.duration.ms (GOZO_LOCK_DURATION_MS: 90 s, longer than the longest job, since
# lock renewal is not used; see docs/adr/0002), which must lie within [min, max]: the maximum
# is raised from 60 s to 300 s, the minimum lowered from 15 s to 3 s for the fault tests.
group.share.record.lock.duration.ms=60000
group.share.max.record.lock.duration.ms=300000
group.share.min.record.lock.duration.ms=3000
# A share-group member that stops heartbeating (a killed worker) loses its partitions after
# the session timeout; 45 s by default, 15 s here so the fleet re-balances quickly.
group.share.session.timeout.ms=15000
group.share.min.session.timeout.ms=6000
group.share.heartbeat.interval.ms=3000
group.share.min.heartbeat.interval.ms=1000
EOF
}

# gozo_kafka_prepare DATA_DIR PORT CTRL_PORT: writes DATA_DIR/server.properties and formats
# the storage when DATA_DIR is new (a restarted broker keeps its data).
gozo_kafka_prepare() {
  local data=$1 port=$2 ctrl=$3 cp cluster_id
  cp=$(gozo_kafka_classpath)
  gozo_kafka_write_config "$data" "$port" "$ctrl"
  if [[ ! -f $data/logs/meta.properties ]]; then
    gozo_say "kafka: formatting storage in $data/logs"
    cluster_id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid)
    java -Xmx256m -Dlog4j2.configurationFile="$GOZO_ROOT/deploy/kafka/tools-log4j2.properties" \
      -cp "$cp" kafka.tools.StorageTool format \
      --config "$data/server.properties" --cluster-id "$cluster_id" >/dev/null
  fi
}

# gozo_kafka_exec DATA_DIR PORT CTRL_PORT: prepares DATA_DIR and replaces the current
# process with the broker (foreground; SIGTERM makes it shut down cleanly).
gozo_kafka_exec() {
  local data=$1 port=$2 ctrl=$3 cp
  gozo_kafka_prepare "$data" "$port" "$ctrl"
  cp=$(gozo_kafka_classpath)
  gozo_say "kafka: starting broker on 127.0.0.1:$port (controller 127.0.0.1:$ctrl, data $data)"
  exec java -Xms512m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$GOZO_ROOT/deploy/kafka/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$data/server.properties"
}

# gozo_start_kafka DATA_DIR PORT CTRL_PORT [NAME]: a broker in the background, run by
# scripts/kafka-broker, as process NAME (default "kafka": .gozo/logs/kafka.log,
# .gozo/run/kafka.pid). Waits until it accepts connections on 127.0.0.1:PORT.
gozo_start_kafka() {
  local data=$1 port=$2 ctrl=$3 name=${4:-kafka} pid started
  if pid=$(gozo_pid "$name") && gozo_port_open "$port"; then
    gozo_say "kafka: $name already running (pid $pid, 127.0.0.1:$port)"
    return 0
  fi
  if gozo_port_open "$port" || gozo_port_open "$ctrl"; then
    gozo_die "port $port or $ctrl on 127.0.0.1 is taken by another process; stop it or choose other ports"
  fi
  gozo_kafka_classpath >/dev/null # resolve the jars here, with the message in the terminal
  started=$(gozo_now)
  gozo_say "kafka: starting $name on 127.0.0.1:$port (log: ${GOZO_LOG_DIR#"$GOZO_ROOT"/}/$name.log)"
  gozo_start_process "$name" "$GOZO_ROOT/scripts/kafka-broker" "$data" "$port" "$ctrl"
  local deadline=$(($(gozo_now) + 90))
  until gozo_port_open "$port"; do
    if ! gozo_pid "$name" >/dev/null; then
      gozo_tail_log "$GOZO_LOG_DIR/$name.log"
      gozo_die "kafka broker $name exited during start-up"
    fi
    if (($(gozo_now) > deadline)); then
      gozo_tail_log "$GOZO_LOG_DIR/$name.log"
      gozo_stop_process "$name"
      gozo_die "kafka broker $name did not listen on 127.0.0.1:$port within 90 s"
    fi
    sleep 0.2
  done
  gozo_say "kafka: $name listening on 127.0.0.1:$port after $(($(gozo_now) - started))s"
}

# gozo_stop_kafka [NAME]: stops a broker started by gozo_start_kafka (clean shutdown).
gozo_stop_kafka() { gozo_stop_process "${1:-kafka}" 30; }

# gozo_create_topics BOOTSTRAP: the topics GozoLite uses, and the workers' share group
# settings, as topics/.../Topics.java defines them (dev.gozo.topics.InitTopics). Safe to run
# again: existing topics are kept, their configs and the group's settings are (re)applied.
gozo_create_topics() {
  local bootstrap=$1 started jar log="$GOZO_LOG_DIR/init-topics.log"
  started=$(gozo_now)
  jar=$(gozo_topics_jar)
  gozo_say "kafka: creating topics on $bootstrap (InitTopics)"
  if ! gozo_kafka_java "$jar" dev.gozo.topics.InitTopics "$bootstrap" >"$log" 2>&1; then
    gozo_tail_log "$log"
    gozo_die "could not create the topics on $bootstrap"
  fi
  sed 's/^/    /' "$log"
  gozo_say "kafka: topics ready in $(($(gozo_now) - started))s"
}

# gozo_topics_jar: prints the path of topics/target/topics.jar (InitTopics), building it (and
# the protocol module it depends on) first when it is missing or older than its sources.
gozo_topics_jar() {
  local jar="$GOZO_ROOT/topics/target/topics.jar" log="$GOZO_LOG_DIR/build-topics.log"
  if [[ ! -f $jar ]] || [[ -n $(find "$GOZO_ROOT/topics/src/main" "$GOZO_ROOT/topics/pom.xml" \
    -newer "$jar" -print -quit) ]]; then
    gozo_say "java: building topics/target/topics.jar (log: ${log#"$GOZO_ROOT"/})" >&2
    if ! (cd "$GOZO_ROOT" && mvn -B -q -DskipTests -pl topics -am package) >"$log" 2>&1; then
      gozo_tail_log "$log" 60 >&2
      gozo_die "the topics module did not build"
    fi
  fi
  printf '%s\n' "$jar"
}

# --- java modules ----------------------------------------------------------------------

# gozo_build_jars: worker/target/worker.jar and api-gateway/target/api-gateway.jar.
gozo_build_jars() {
  local started log="$GOZO_LOG_DIR/build-jars.log"
  started=$(gozo_now)
  gozo_say "java: mvn package -DskipTests (log: ${log#"$GOZO_ROOT"/})"
  if ! (cd "$GOZO_ROOT" && mvn -B -q -DskipTests package) >"$log" 2>&1; then
    gozo_tail_log "$log" 60
    gozo_die "the Maven build failed"
  fi
  gozo_say "java: jars built in $(($(gozo_now) - started))s"
}
