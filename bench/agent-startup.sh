#!/usr/bin/env bash
# Time from starting the agent's JVM to /readyz answering 200 (listeners bound, server reachable),
# median of 5 starts, without and with a Java 25 AOT cache (trained by one short run with
# -XX:AOTCacheOutput). Bounded: each start waits at most 30 s. Stops everything it started.
set -euo pipefail
. "$(dirname "$0")/agent-lib.sh"
pi_init
pi_need_tools
pi_build
pi_stub_server
TOKEN="$(pi_token)"
BASE_FLAGS="$AGENT_JVM_FLAGS"

median_start() {
  local times=() i
  for i in 1 2 3 4 5; do
    pi_start_agent
    times+=($(( (PI_AGENT_READY_NS - PI_AGENT_START_NS) / 1000000 )))
    kill "$PI_AGENT_PID"; wait "$PI_AGENT_PID" 2>/dev/null || true
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}

echo "start to ready, median of 5: $(median_start) ms  (jvm flags: $BASE_FLAGS)"

# Train an AOT cache: start, serve some requests, stop (the cache is written at exit).
# the archived heap objects need an initial heap that can hold them (-Xms8m cannot)
AOT_FLAGS="$BASE_FLAGS -Xms24m"
AGENT_JVM_FLAGS="$AOT_FLAGS -XX:AOTCacheOutput=$PI_TMP/agent.aot"
pi_start_agent
timeout 30 wrk -t2 -c50 -d3s -H "Authorization: $TOKEN" "http://127.0.0.1:$PI_AGENT_PORT/v1/credentials" >/dev/null
kill "$PI_AGENT_PID"; wait "$PI_AGENT_PID" 2>/dev/null || true
if [ -s "$PI_TMP/agent.aot" ]; then
  AGENT_JVM_FLAGS="$AOT_FLAGS -XX:AOTCache=$PI_TMP/agent.aot"
  echo "start to ready with AOT cache ($(( $(stat -c %s "$PI_TMP/agent.aot") / 1048576 )) MiB), median of 5: $(median_start) ms  (+ -Xms24m)"
else
  echo "no AOT cache was written (needs JDK 25+)"
fi
