#!/bin/sh
# Starts the worker as this container's main process (exec: docker stop's SIGTERM reaches the
# JVM, whose shutdown hook finishes running jobs within GOZO_SHUTDOWN_GRACE_MS).
#
# GOZO_WORKER_ID labels every sandbox the worker creates, so the next life of the same worker
# removes what a killed one left. A container keeps its hostname across restarts, so the
# default worker-<hostname> is stable for `restart: always` and unique per replica.
set -eu
: "${GOZO_WORKER_ID:=worker-$(cat /proc/sys/kernel/hostname)}"
export GOZO_WORKER_ID
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java ${JAVA_OPTS:-} -jar /opt/gozo/worker.jar "$@"
