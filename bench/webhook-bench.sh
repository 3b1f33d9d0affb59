#!/usr/bin/env bash
# Admissions per second and latency of the webhook (HTTPS POST /mutate, in-process association
# source, the seeds' pod, which is mutated), against a reference measured in the same run: a
# Helidon HTTPS endpoint on the same certificate that reads the same body and answers as many bytes.
# Every decision is logged (to a file, through logback's async appender), as in production.
#
#   bench/webhook-bench.sh [connections=4] [warmup-seconds=5] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/java-env.sh
CONNECTIONS=${1:-4}
WARMUP=${2:-5}
SECONDS_MEASURED=${3:-10}
mvn -B -o -q -pl webhook -am -DskipTests -Dspotless.check.skip=true install >/dev/null
mvn -B -o -q -pl webhook test-compile -Dspotless.check.skip=true >/dev/null
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -o -q -pl webhook dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="webhook/target/test-classes:webhook/target/classes:$(cat "$CP_FILE")"
exec java -Xms512m -Xmx512m -XX:+UseParallelGC \
  -Djava.util.logging.config.file=bench/webhook-jul.properties -Dlogback.configurationFile=bench/webhook-logback.xml -Dbench.log="${TMPDIR:-/tmp}/webhook-bench.log" \
  -cp "$CP" io.podidentity.webhook.bench.WebhookBench \
  webhook/src/test/resources/golden/seed-deployment-pod.review.json "$CONNECTIONS" "$WARMUP" "$SECONDS_MEASURED"
