#!/usr/bin/env bash
# Benchmark of the association API (issue 2): p50/p99 latency of CreatePodIdentityAssociation
# (1,000 sequential creates) and the time of a full ListPodIdentityAssociations of 5,000
# associations (50 pages of 100), each beside the same number of GET /healthz measured in the same
# run as the reference, so the output is a ratio as well as absolute numbers.
#
# Starts its own server (podidentity server, SQLite) on a temp data dir and a free port, and stops
# it at the end. Bounded: the driver is killed after $BENCH_TIMEOUT seconds (default 600).
#
#   bench/associations.sh [CREATES [LIST_SIZE [LIST_RUNS]]]      (defaults 1000 5000 5)
#   BENCH_NO_BUILD=1 bench/associations.sh                       (reuse the built jars/classes)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$root/bin/java-env.sh"
creates="${1:-1000}"
list_size="${2:-5000}"
list_runs="${3:-5}"
timeout_s="${BENCH_TIMEOUT:-600}"

work="$(mktemp -d /tmp/podidentity-bench.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

cd "$root"
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  echo "building (launcher and the server's test classes)..." >&2
  mvn -B -o -q -DskipTests -Dspotless.check.skip=true -pl launcher -am install >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; echo "build failed" >&2; exit 1; }
fi
mvn -B -o -q -pl server dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp.txt" >"$work/cp.log" 2>&1 \
  || { tail -n 30 "$work/cp.log" >&2; echo "cannot compute the classpath" >&2; exit 1; }
# This worktree's classes first: the local repository may hold another branch's core/server.
cp="$root/server/target/test-classes:$root/server/target/classes:$root/core/target/classes:$(cat "$work/cp.txt")"

data="$work/data"
"$JAVA_HOME/bin/java" ${BENCH_SERVER_JAVA_OPTS:-} -jar "$root/launcher/target/podidentity.jar" \
  server --data-dir "$data" --port 0 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  if [ -f "$data/config" ] && grep -q endpoint_url "$data/config"; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.1
done
endpoint="$(sed -n 's/^endpoint_url = //p' "$data/config" | head -n1)"
echo "server: pid $server_pid, $endpoint, data dir $data" >&2

echo "== podidentity association benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
timeout "$timeout_s" "$JAVA_HOME/bin/java" -cp "$cp" io.podidentity.bench.AssociationBench \
  "$data" "$creates" "$list_size" "$list_runs"
