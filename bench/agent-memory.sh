#!/usr/bin/env bash
# Resident memory (RSS) of the agent after one million cache-hit requests (aim: <= 80 MiB), and the
# time from process start to /readyz answering 200. Bounded: wrk runs at most 5 x 60 s.
set -euo pipefail
. "$(dirname "$0")/agent-lib.sh"
TARGET="${TARGET:-1000000}"
pi_init
pi_need_tools
pi_build
pi_stub_server
pi_start_agent
echo "start to ready: $(( (PI_AGENT_READY_NS - PI_AGENT_START_NS) / 1000000 )) ms"
echo "RSS when ready: $(( $(pi_rss_kib "$PI_AGENT_PID") / 1024 )) MiB"
TOKEN="$(pi_token)"
URL="http://127.0.0.1:$PI_AGENT_PORT/v1/credentials"
total=0
for _ in 1 2 3 4 5; do
  n="$(timeout 90 wrk -t2 -c50 -d30s -H "Authorization: $TOKEN" "$URL" | awk '/requests in/ {print $1}')"
  total=$(( total + n ))
  [ "$total" -ge "$TARGET" ] && break
done
echo "requests served: $total"
echo "RSS after them: $(( $(pi_rss_kib "$PI_AGENT_PID") / 1024 )) MiB  (jvm flags: $AGENT_JVM_FLAGS)"
