# shellcheck shell=bash
#
# The images GozoLite's own services run in (docker compose, the fleet test), built offline
# from the local base image. Source it after common.sh:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/service-images.sh"
#   gozo_build_service_images
#
#   gozo/jre:17        deploy/jre: openjdk-17-jre-headless and user gozo (10002) on
#                      gozo/base:bookworm; the only build that needs Debian's mirror
#   gozo/kafka:4.4.0   deploy/kafka: the Kafka jars of deploy/kafka/pom.xml, an entrypoint
#                      that formats storage and creates the topics
#   gozo/worker:dev    deploy/worker: worker/target/worker.jar
#   gozo/gateway:dev   deploy/gateway: api-gateway/target/api-gateway.jar
#
# The last three are built with the repository root as context (.dockerignore keeps it to the
# jars and deploy/) and only COPY, so they need no network. Each image is labelled with a hash
# of its inputs and rebuilt only when that changed (or GOZO_REBUILD=1). FleetIT
# (fleet-tests/) computes the same hash, so it reuses images built here and rebuilds stale ones:
#
#   sha256( sha256hex(file1) "\n" ... sha256hex(fileN) "\n" parentImageId "\n" )
#
# over the files listed below, in that order.

GOZO_JRE_IMAGE="gozo/jre:17"
GOZO_KAFKA_IMAGE="gozo/kafka:4.4.0"
GOZO_WORKER_IMAGE="gozo/worker:dev"
GOZO_GATEWAY_IMAGE="gozo/gateway:dev"
GOZO_KAFKA_JARS_DIR="$GOZO_STATE_DIR/kafka/jars"

# gozo_input_hash PARENT_IMAGE FILE...: the build hash described above.
gozo_input_hash() {
  local parent=$1 parent_id file
  shift
  parent_id=$(gozo_docker image inspect --format '{{.Id}}' "$parent")
  {
    for file in "$@"; do
      sha256sum <"$file" | cut -d' ' -f1
    done
    printf '%s\n' "$parent_id"
  } | sha256sum | cut -d' ' -f1
}

# gozo_build_from_root IMAGE DOCKERFILE PARENT STEP FILE...: builds IMAGE from DOCKERFILE
# (relative to the repository root) with the root as context and BASE_IMAGE=PARENT, unless
# IMAGE already carries the hash of the FILEs (all relative to the root) and PARENT.
gozo_build_from_root() {
  local image=$1 dockerfile=$2 parent=$3 step=$4 hash current log started
  shift 4
  hash=$(cd "$GOZO_ROOT" && gozo_input_hash "$parent" "$@")
  current=$(gozo_docker image inspect --format "{{index .Config.Labels \"$GOZO_BUILD_HASH_LABEL\"}}" "$image" 2>/dev/null || true)
  if [[ $current == "$hash" && ${GOZO_REBUILD:-0} != 1 ]]; then
    gozo_say "$step $image is up to date"
    return 0
  fi
  log="$GOZO_LOG_DIR/build-${image//[\/:]/-}.log"
  started=$(gozo_now)
  gozo_say "$step building $image ... (log: ${log#"$GOZO_ROOT"/})"
  if ! DOCKER_BUILDKIT=0 gozo_docker build \
    --build-arg "BASE_IMAGE=$parent" \
    --label "$GOZO_BUILD_HASH_LABEL=$hash" \
    -f "$GOZO_ROOT/$dockerfile" -t "$image" "$GOZO_ROOT" >"$log" 2>&1; then
    gozo_tail_log "$log"
    gozo_die "building $image failed"
  fi
  gozo_say "$step built $image in $(($(gozo_now) - started))s ($(gozo_image_size "$image"))"
}

# gozo_stage_kafka_jars: copies the broker's classpath (gozo_kafka_classpath) into
# .gozo/kafka/jars/, the only place the Kafka Dockerfile takes jars from; drops stale ones.
gozo_stage_kafka_jars() {
  local classpath jar name
  local -a jars
  classpath=$(gozo_kafka_classpath)
  mkdir -p "$GOZO_KAFKA_JARS_DIR"
  local -A wanted=()
  IFS=: read -r -a jars <<<"$classpath"
  for jar in "${jars[@]}"; do
    [[ $jar == *.jar && -f $jar ]] || gozo_die "kafka classpath entry is not a jar file: $jar"
    name=$(basename "$jar")
    wanted[$name]=1
    if [[ ! -f $GOZO_KAFKA_JARS_DIR/$name ]] || ! cmp -s "$jar" "$GOZO_KAFKA_JARS_DIR/$name"; then
      cp "$jar" "$GOZO_KAFKA_JARS_DIR/$name"
    fi
  done
  for jar in "$GOZO_KAFKA_JARS_DIR"/*; do
    [[ -n ${wanted[$(basename "$jar")]:-} ]] || rm -f "$jar"
  done
}

# gozo_service_image_inputs IMAGE: the files IMAGE's hash covers, relative to the root.
gozo_service_image_inputs() {
  case $1 in
    "$GOZO_KAFKA_IMAGE")
      printf '%s\n' deploy/kafka/Dockerfile deploy/kafka/entrypoint.sh \
        deploy/kafka/log4j2.properties deploy/kafka/tools-log4j2.properties
      (cd "$GOZO_ROOT" && find .gozo/kafka/jars -name '*.jar' | LC_ALL=C sort)
      ;;
    "$GOZO_WORKER_IMAGE")
      printf '%s\n' deploy/worker/Dockerfile deploy/worker/entrypoint.sh worker/target/worker.jar
      ;;
    "$GOZO_GATEWAY_IMAGE")
      printf '%s\n' deploy/gateway/Dockerfile api-gateway/target/api-gateway.jar
      ;;
    *) gozo_die "not a service image: $1" ;;
  esac
}

# gozo_build_app_image IMAGE JAR STEP: the worker or gateway image, when its jar was built.
gozo_build_app_image() {
  local image=$1 jar=$2 step=$3 dockerfile
  if [[ ! -f $GOZO_ROOT/$jar ]]; then
    gozo_say "$step skipping $image: $jar is not built yet (mvn package; the fleet test builds the image itself)"
    return 0
  fi
  dockerfile=$(gozo_service_image_inputs "$image" | head -n 1)
  local -a inputs
  mapfile -t inputs < <(gozo_service_image_inputs "$image")
  gozo_build_from_root "$image" "$dockerfile" "$GOZO_JRE_IMAGE" "$step" "${inputs[@]}"
}

# gozo_build_service_base_images: gozo/jre:17 and gozo/kafka:4.4.0, which need no jar of ours.
gozo_build_service_base_images() {
  gozo_ensure_docker
  # GOZO_REBUILD is about the service images; scripts/images --force re-debootstraps the base.
  GOZO_REBUILD=0 gozo_ensure_base_image
  gozo_build_image "$GOZO_JRE_IMAGE" "$GOZO_ROOT/deploy/jre" "$GOZO_BASE_IMAGE" "[1/4]"
  gozo_stage_kafka_jars
  local -a inputs
  mapfile -t inputs < <(gozo_service_image_inputs "$GOZO_KAFKA_IMAGE")
  gozo_build_from_root "$GOZO_KAFKA_IMAGE" deploy/kafka/Dockerfile "$GOZO_JRE_IMAGE" "[2/4]" "${inputs[@]}"
}

# gozo_build_service_images: all four; the worker and gateway images only when their jars
# exist (a fresh clone has none before `mvn package`, and that is not an error here).
gozo_build_service_images() {
  local started
  started=$(gozo_now)
  gozo_build_service_base_images
  gozo_build_app_image "$GOZO_WORKER_IMAGE" worker/target/worker.jar "[3/4]"
  gozo_build_app_image "$GOZO_GATEWAY_IMAGE" api-gateway/target/api-gateway.jar "[4/4]"
  gozo_say "service images: ready in $(($(gozo_now) - started))s"
}
