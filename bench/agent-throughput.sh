#!/usr/bin/env bash
# Cache-hit throughput of the agent against nginx serving the same response bytes, same machine,
# same run: wrk -t2 -c50 -d10s on loopback, alternating, 3 rounds. Prints the rates and the median
# ratio (aim: >= 0.8). Bounded: about 80 s plus the build. Stops everything it started.
set -euo pipefail
. "$(dirname "$0")/agent-lib.sh"
DURATION="${DURATION:-10s}"
ROUNDS="${ROUNDS:-3}"
pi_init
pi_need_tools
pi_build
pi_stub_server
pi_start_agent
TOKEN="$(pi_token)"
URL="http://127.0.0.1:$PI_AGENT_PORT/v1/credentials"
curl -fs -H "Authorization: $TOKEN" "$URL" -o "$PI_TMP/creds.json"
echo "agent ready in $(( (PI_AGENT_READY_NS - PI_AGENT_START_NS) / 1000000 )) ms; response $(wc -c <"$PI_TMP/creds.json") bytes"

# nginx serving the same bytes from a temp config on a free loopback port
NGINX_PORT="$(pi_free_port)"
chmod 755 "$PI_TMP"; chmod 644 "$PI_TMP/creds.json"   # nginx workers run as www-data
mkdir -p "$PI_TMP/nginx/logs"
cat > "$PI_TMP/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $PI_TMP/nginx/nginx.pid;
error_log $PI_TMP/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $PI_TMP/nginx/body;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /v1/credentials { default_type application/json; alias $PI_TMP/creds.json; }
  }
}
CONF
nginx -p "$PI_TMP/nginx" -c "$PI_TMP/nginx/nginx.conf" -g 'daemon off;' &
PI_PIDS+=($!)
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT/v1/credentials" && break; sleep 0.05; done
curl -fs "http://127.0.0.1:$NGINX_PORT/v1/credentials" -o "$PI_TMP/nginx.json" || { cat "$PI_TMP/nginx/logs/error.log" >&2; exit 1; }
cmp -s "$PI_TMP/nginx.json" "$PI_TMP/creds.json" || { echo "nginx serves different bytes" >&2; exit 1; }

WRK=(timeout 60 wrk -t2 -c50 -H "Authorization: $TOKEN")
"${WRK[@]}" -d5s "$URL" >/dev/null                                   # JIT warm-up
"${WRK[@]}" -d3s "http://127.0.0.1:$NGINX_PORT/v1/credentials" >/dev/null
# Alternate agent and nginx runs; the machine is shared, so report every pair and the median ratio.
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  agent_rps="$("${WRK[@]}" -d"$DURATION" "$URL" | tee "$PI_TMP/wrk-agent.txt" | pi_wrk_rps)"
  nginx_rps="$("${WRK[@]}" -d"$DURATION" "http://127.0.0.1:$NGINX_PORT/v1/credentials" | pi_wrk_rps)"
  if grep -E 'Non-2xx|Socket errors' "$PI_TMP/wrk-agent.txt"; then echo "agent answered errors" >&2; exit 1; fi
  ratio="$(python3 -c "print(f'{float(\"$agent_rps\")/float(\"$nginx_rps\"):.2f}')")"
  ratios+=("$ratio")
  echo "round $round: agent $agent_rps req/s, nginx $nginx_rps req/s, ratio $ratio (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "jvm flags: $AGENT_JVM_FLAGS"
echo "agent RSS after the runs: $(( $(pi_rss_kib "$PI_AGENT_PID") / 1024 )) MiB"
echo "median ratio agent/nginx: $(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")"
