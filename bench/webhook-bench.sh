#!/usr/bin/env bash
# Admissions per second and latency of the webhook (HTTPS POST /mutate, in-process association
# source, the seeds' pod, which is mutated), against a reference measured in the same run: a
# Helidon HTTPS endpoint on the same certificate that reads the same body and answers as many bytes.
# Every decision is logged (to a file, through logback's async appender), as in production.
#
# Two measurements each: closed loop (maximum admissions/s) and open loop at a fixed rate (p99
# latency from the scheduled send time, at the 5,000/s the issue asks for).
#
#   bench/webhook-bench.sh [connections=16] [warmup-seconds=5] [seconds=10] [rate=5000]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/java-env.sh
CONNECTIONS=${1:-16}
WARMUP=${2:-5}
SECONDS_MEASURED=${3:-10}
RATE=${4:-5000}
mvn -B -o -q -pl webhook -am -DskipTests -Dspotless.check.skip=true install >/dev/null
mvn -B -o -q -pl webhook test-compile -Dspotless.check.skip=true >/dev/null
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -o -q -pl webhook dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="webhook/target/test-classes:webhook/target/classes:$(cat "$CP_FILE")"
# BENCH_JAVA_OPTS overrides the GC/heap settings, e.g. "-XX:+UseZGC"
exec java -Xms512m -Xmx512m ${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xmn256m} \
  -Djava.util.logging.config.file=bench/webhook-jul.properties -Dlogback.configurationFile=bench/webhook-logback.xml -Dbench.log="${TMPDIR:-/tmp}/webhook-bench.log" \
  -cp "$CP" io.podidentity.webhook.bench.WebhookBench \
  webhook/src/test/resources/golden/seed-deployment-pod.review.json "$CONNECTIONS" "$WARMUP" "$SECONDS_MEASURED" "$RATE"
