#!/bin/bash
# Entrypoint of gozo/kafka: writes server.properties, formats the storage on first start,
# runs the broker, and once it listens creates GozoLite's topics and the workers' share-group
# config (idempotent, so every start does it). Prints "gozo-kafka: ready" and touches
# /tmp/gozo-kafka-ready when clients can use it. SIGTERM shuts the broker down cleanly.
set -euo pipefail

: "${KAFKA_ADVERTISED_HOST:=kafka}"
: "${KAFKA_EXTERNAL_ADVERTISED:=}"
: "${KAFKA_HEAP_OPTS:=-Xms256m -Xmx512m}"
: "${KAFKA_DATA_DIR:=/var/lib/kafka/data}"
: "${GOZO_TOPIC_PARTITIONS:=6}"
# The jobs topic has one partition, so that every worker slot can take any queued job
# (dev.gozo.topics.Topics.JOBS_PARTITIONS, docs/adr/0006).
: "${GOZO_JOBS_PARTITIONS:=1}"
: "${GOZO_EVENTS_RETENTION_MS:=86400000}"
: "${GOZO_RESULTS_RETENTION_MS:=604800000}"
: "${GOZO_SHARE_GROUP:=gozo-workers}"
# How long a share-group member (a worker's job slot) may go silent before the broker drops it.
# Until then the partitions it was assigned are not fetched by anyone: after a worker is killed
# the jobs queued there wait this long (its in-flight jobs also wait for their lock).
: "${KAFKA_SHARE_SESSION_TIMEOUT_MS:=15000}"

CONFIG=/opt/kafka/config
CP="/opt/kafka/libs/*"
PROPS=/tmp/server.properties
READY=/tmp/gozo-kafka-ready
rm -f "$READY"

say() { printf 'gozo-kafka: %s\n' "$*"; }

listeners="PLAINTEXT://0.0.0.0:9092,CONTROLLER://127.0.0.1:9093"
advertised="PLAINTEXT://${KAFKA_ADVERTISED_HOST}:9092"
protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
if [[ -n $KAFKA_EXTERNAL_ADVERTISED ]]; then
  listeners+=",EXTERNAL://0.0.0.0:9094"
  advertised+=",EXTERNAL://${KAFKA_EXTERNAL_ADVERTISED}"
  protocols+=",EXTERNAL:PLAINTEXT"
fi

# Same broker settings as scripts/lib/common.sh (gozo_kafka_write_config), but listening on
# the container's network.
cat >"$PROPS" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=${listeners}
advertised.listeners=${advertised}
listener.security.protocol.map=${protocols}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${KAFKA_DATA_DIR}

auto.create.topics.enable=false
num.partitions=${GOZO_TOPIC_PARTITIONS}
group.initial.rebalance.delay.ms=0

offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
offsets.topic.num.partitions=6
share.coordinator.state.topic.num.partitions=6

# A killed worker keeps its share partitions until its session times out (45 s by default);
# 15 s lets the rest of the fleet take its work soon (same as scripts/lib/common.sh).
group.share.session.timeout.ms=${KAFKA_SHARE_SESSION_TIMEOUT_MS}
group.share.min.session.timeout.ms=$((KAFKA_SHARE_SESSION_TIMEOUT_MS < 6000 ? KAFKA_SHARE_SESSION_TIMEOUT_MS : 6000))
group.share.heartbeat.interval.ms=3000
group.share.min.heartbeat.interval.ms=1000
message.max.bytes=16777216
replica.fetch.max.bytes=16777216

# Workers set their group's lock (GOZO_LOCK_DURATION_MS) within these bounds.
group.share.record.lock.duration.ms=60000
group.share.max.record.lock.duration.ms=300000
group.share.min.record.lock.duration.ms=3000
PROPS

tool() {
  java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j2.configurationFile="$CONFIG/tools-log4j2.properties" -cp "$CP" "$@"
}

mkdir -p "$KAFKA_DATA_DIR"
if [[ ! -f $KAFKA_DATA_DIR/meta.properties ]]; then
  say "formatting storage in $KAFKA_DATA_DIR"
  # A cluster id is 16 random bytes in URL-safe base64 without padding (what
  # `StorageTool random-uuid` prints), made here to save a JVM start.
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  tool kafka.tools.StorageTool format --config "$PROPS" --cluster-id "$cluster_id" >/dev/null
fi

port_open() { (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; }

create_topics() {
  until port_open; do sleep 0.2; done
  local bootstrap=127.0.0.1:9092 started=$SECONDS
  # One JVM per command, all side by side.
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
    --if-not-exists --topic gozo.jobs --partitions "$GOZO_JOBS_PARTITIONS" \
    --replication-factor 1 >/dev/null &
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
    --if-not-exists --topic gozo.events --partitions "$GOZO_TOPIC_PARTITIONS" \
    --replication-factor 1 --config "retention.ms=$GOZO_EVENTS_RETENTION_MS" >/dev/null &
  # compact keeps the latest result per job id; delete drops results past the retention.
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
    --if-not-exists --topic gozo.results --partitions "$GOZO_TOPIC_PARTITIONS" \
    --replication-factor 1 --config cleanup.policy=compact,delete \
    --config "retention.ms=$GOZO_RESULTS_RETENTION_MS" >/dev/null &
  # A job's live stream and what callers send it (dev.gozo.topics.Topics holds the retentions).
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
    --if-not-exists --topic gozo.output --partitions "$GOZO_TOPIC_PARTITIONS" \
    --replication-factor 1 --config "retention.ms=$GOZO_EVENTS_RETENTION_MS" >/dev/null &
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
    --if-not-exists --topic gozo.input --partitions "$GOZO_TOPIC_PARTITIONS" \
    --replication-factor 1 --config retention.ms=3600000 >/dev/null &
  # Where gateways register a job's webhook: compacted like results, with their retention.
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
    --if-not-exists --topic gozo.callbacks --partitions "$GOZO_TOPIC_PARTITIONS" \
    --replication-factor 1 --config cleanup.policy=compact,delete \
    --config "retention.ms=$GOZO_RESULTS_RETENTION_MS" >/dev/null &
  # A new share group starts at the latest offset: jobs published before the first worker
  # joined would be skipped.
  tool org.apache.kafka.tools.ConfigCommand --bootstrap-server "$bootstrap" \
    --entity-type groups --entity-name "$GOZO_SHARE_GROUP" \
    --alter --add-config share.auto.offset.reset=earliest >/dev/null &
  local failed=0 job
  for job in $(jobs -p); do wait "$job" || failed=1; done
  if ((failed)); then
    say "creating topics failed; stopping the broker"
    kill -TERM "$broker"
    return 1
  fi
  touch "$READY"
  say "ready: topics gozo.jobs, .events, .results, .output, .input, .callbacks, share group $GOZO_SHARE_GROUP ($((SECONDS - started))s)"
}

say "starting broker, advertised as ${advertised}"
# shellcheck disable=SC2086 # KAFKA_HEAP_OPTS and JAVA_OPTS are lists of options
java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
  -Djava.awt.headless=true -Dlog4j2.configurationFile="$CONFIG/log4j2.properties" \
  -cp "$CP" kafka.Kafka "$PROPS" &
broker=$!
trap 'kill -TERM "$broker" 2>/dev/null || true' TERM INT
create_topics &
setup=$!

# wait returns early when a trapped signal arrives; wait again for the broker's own exit.
rc=0
wait "$broker" || rc=$?
while kill -0 "$broker" 2>/dev/null; do wait "$broker" || rc=$?; done
kill "$setup" 2>/dev/null || true
rm -f "$READY"
exit "$rc"
