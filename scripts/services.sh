#!/usr/bin/env bash
# Starts (or stops) the real services tokenwatch's tests and local runs need:
#   - a single-node Apache Kafka broker in KRaft mode on 127.0.0.1:9092,
#     its jars fetched from Maven Central by Maven and cached in ~/.m2;
#   - Redis on 127.0.0.1:6379 (started only if nothing answers there).
# Idempotent: whatever already runs is left alone.
#
# Usage: scripts/services.sh start|stop|status
# Ports: SERVICES_KAFKA_PORT (9092), SERVICES_KAFKA_CONTROLLER_PORT (9093),
#        SERVICES_REDIS_PORT (6379).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state="$root/.services"
kafka_port="${SERVICES_KAFKA_PORT:-9092}"
# One directory per broker port, so a test can run a private broker beside the shared one.
kafka_dir="$state/kafka-$kafka_port"
controller_port="${SERVICES_KAFKA_CONTROLLER_PORT:-9093}"
redis_port="${SERVICES_REDIS_PORT:-6379}"

log() { printf 'services: %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

apt_install() {
  log "installing $* from Debian packages"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_tools() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
}

fetch_kafka() {
  local lib="$state/kafka-lib"
  if [ -f "$lib/.complete" ] && cmp -s "$root/scripts/kafka/pom.xml" "$lib/.complete"; then
    return
  fi
  log "fetching the Kafka broker jars with Maven"
  rm -rf "$lib"
  mvn -q -B -Dstyle.color=never -f "$root/scripts/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$lib" >&2
  cp "$root/scripts/kafka/pom.xml" "$lib/.complete"
}

write_kafka_config() {
  mkdir -p "$kafka_dir/data"
  cat >"$kafka_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$kafka_dir/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
PROPS
  cat >"$kafka_dir/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$kafka_dir/broker.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
}

start_kafka() {
  if port_open "$kafka_port"; then
    log "kafka already answers on 127.0.0.1:$kafka_port"
    return
  fi
  ensure_tools
  fetch_kafka
  write_kafka_config
  local cp="$state/kafka-lib/*"
  local java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC "-Dlog4j.configuration=file:$kafka_dir/log4j.properties")
  if [ ! -f "$kafka_dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid)
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$kafka_dir/server.properties" >/dev/null
  fi
  log "starting kafka (KRaft) on 127.0.0.1:$kafka_port"
  # The readiness check below greps the log: a restart must not see the last run's line.
  : >"$kafka_dir/broker.log"
  nohup java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$kafka_dir/server.properties" \
    >"$kafka_dir/stdout.log" 2>&1 &
  echo $! >"$kafka_dir/pid"
  for _ in $(seq 1 120); do
    if grep -q "started (kafka.server" "$kafka_dir/broker.log" 2>/dev/null \
      || grep -q "Kafka Server started" "$kafka_dir/broker.log" 2>/dev/null; then
      log "kafka is up"
      return
    fi
    if ! kill -0 "$(cat "$kafka_dir/pid")" 2>/dev/null; then
      log "kafka exited; see $kafka_dir/stdout.log"
      tail -20 "$kafka_dir/stdout.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  log "kafka did not start within 60 s; see $kafka_dir/broker.log"
  exit 1
}

start_redis() {
  if port_open "$redis_port"; then
    log "redis already answers on 127.0.0.1:$redis_port"
    return
  fi
  command -v redis-server >/dev/null || apt_install redis-server
  log "starting redis on 127.0.0.1:$redis_port"
  mkdir -p "$state/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" \
    --appendonly no --dir "$state/redis" --logfile "$state/redis/redis.log"
  for _ in $(seq 1 40); do
    port_open "$redis_port" && return
    sleep 0.25
  done
  log "redis did not start; see $state/redis/redis.log"
  exit 1
}

stop_kafka() {
  if [ -f "$kafka_dir/pid" ] && kill -0 "$(cat "$kafka_dir/pid")" 2>/dev/null; then
    log "stopping kafka"
    kill "$(cat "$kafka_dir/pid")"
    for _ in $(seq 1 60); do
      kill -0 "$(cat "$kafka_dir/pid")" 2>/dev/null || break
      sleep 0.5
    done
  fi
  rm -f "$kafka_dir/pid"
}

case "${1:-start}" in
  start)
    start_redis
    start_kafka
    ;;
  stop)
    stop_kafka
    ;;
  status)
    port_open "$kafka_port" && echo "kafka: up" || echo "kafka: down"
    port_open "$redis_port" && echo "redis: up" || echo "redis: down"
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
