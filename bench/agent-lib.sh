# Shared by bench/agent-*.sh: build the agent, run a stub EKS Auth server and the agent, clean up.
# Sourced; expects `set -euo pipefail` in the caller. Everything started is recorded in PI_PIDS and
# stopped by pi_cleanup (installed as an EXIT trap by pi_init).

PI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Small-footprint JVM flags (JDK 25), chosen by measurement (bench/README.md); with MALLOC_ARENA_MAX=2.
# Override with AGENT_JVM_FLAGS.
PI_DEFAULT_JVM_FLAGS="-XX:+UseSerialGC -Xms8m -Xmx24m -Xmn12m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m -Xss256k -XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=5000"
AGENT_JVM_FLAGS="${AGENT_JVM_FLAGS:-$PI_DEFAULT_JVM_FLAGS}"
PI_PIDS=()

pi_init() {
  PI_TMP="$(mktemp -d /tmp/pi-bench.XXXXXX)"
  trap pi_cleanup EXIT INT TERM
}

pi_cleanup() {
  local pid
  for pid in "${PI_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do # up to 5 s for a graceful stop
    local alive=0
    for pid in "${PI_PIDS[@]:-}"; do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${PI_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
  [ -n "${PI_TMP:-}" ] && rm -rf "$PI_TMP"
}

pi_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pi_need_tools() { # installs nginx and wrk when missing
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]} ..." >&2
    timeout 300 apt-get install -y "${missing[@]}" >/dev/null
  fi
}

pi_build() { # compiles the agent and writes its runtime classpath to $PI_TMP/cp
  . "$PI_ROOT/bin/java-env.sh"
  (cd "$PI_ROOT" && timeout 600 mvn -B -q -o -pl agent -am -DskipTests -Dspotless.check.skip=true install >/dev/null)
  (cd "$PI_ROOT" && timeout 120 mvn -B -q -o -pl agent dependency:build-classpath \
      -DincludeScope=runtime -Dmdep.outputFile="$PI_TMP/cp.deps" >/dev/null)
  local logback
  logback="$(find ~/.m2/repository/ch/qos/logback/logback-classic/1.5.18 ~/.m2/repository/ch/qos/logback/logback-core/1.5.18 -name '*.jar' | tr '\n' ':')"
  # jars only (no class directories), so that a Java 25 AOT cache can be built from this classpath
  echo "$PI_ROOT/agent/target/podidentity-agent-0.1.0-SNAPSHOT.jar:$(cat "$PI_TMP/cp.deps"):$logback" > "$PI_TMP/cp"
  # No logback XML: parsing one loads an XML parser (~10 MiB RSS); logback's default is fine here.
}

pi_stub_server() { # starts a stub EKS Auth server (no SigV4 check) on $PI_STUB_PORT
  PI_STUB_PORT="$(pi_free_port)"
  cat > "$PI_TMP/stub.py" <<'PY'
import http.server, json, sys, time
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({
            "subject": {"namespace": "bench", "serviceAccount": "bench"},
            "audience": "pods.eks.amazonaws.com",
            "podIdentityAssociation": {"associationArn": "arn:aws:eks:us-east-1:111122223333:podidentityassociation/bench/a-1", "associationId": "a-1"},
            "assumedRoleUser": {"arn": "arn:aws:sts::111122223333:assumed-role/bench/eks-bench-pod", "assumeRoleId": "AROABENCH:eks-bench-pod"},
            "credentials": {"accessKeyId": "ASIABENCHEXAMPLE0001", "secretAccessKey": "x" * 40,
                            "sessionToken": "T" * 900, "expiration": int(time.time()) + 6 * 3600}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
  python3 "$PI_TMP/stub.py" "$PI_STUB_PORT" &
  PI_PIDS+=($!)
}

pi_token() { # a projected-token-shaped JWT valid for a day
  python3 - <<'PY'
import base64, json, time, uuid
b = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
now = int(time.time())
print(b({"alg": "RS256", "kid": "0" * 40}) + "." + b({
    "aud": ["pods.eks.amazonaws.com"], "exp": now + 86400, "iat": now, "nbf": now,
    "iss": "https://kubernetes.default.svc", "sub": "system:serviceaccount:bench:bench",
    "kubernetes.io": {"namespace": "bench", "pod": {"name": "bench", "uid": str(uuid.uuid4())},
                      "serviceaccount": {"name": "bench", "uid": str(uuid.uuid4())}}})
      + "." + base64.urlsafe_b64encode(uuid.uuid4().bytes * 8).rstrip(b"=").decode())
PY
}

pi_start_agent() { # starts the agent on $PI_AGENT_PORT (probes on $PI_PROBE_PORT); sets PI_AGENT_PID
  PI_AGENT_PORT="$(pi_free_port)"
  PI_PROBE_PORT="$(pi_free_port)"
  PI_AGENT_START_NS="$(date +%s%N)"
  # shellcheck disable=SC2086
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret \
    "$JAVA_HOME/bin/java" $AGENT_JVM_FLAGS ${PI_LOGBACK_OPT:-} \
    -cp "$(cat "$PI_TMP/cp")" io.podidentity.agent.AgentCommand \
    --cluster-name bench --endpoint "http://127.0.0.1:$PI_STUB_PORT" \
    --listen "127.0.0.1:$PI_AGENT_PORT" --probe-address "127.0.0.1:$PI_PROBE_PORT" \
    --metrics-address off >"$PI_TMP/agent.log" 2>&1 &
  PI_AGENT_PID=$!
  PI_PIDS+=("$PI_AGENT_PID")
  local i
  for i in $(seq 1 3000); do
    if curl -fs -o /dev/null "http://127.0.0.1:$PI_PROBE_PORT/readyz"; then
      PI_AGENT_READY_NS="$(date +%s%N)"
      return 0
    fi
    kill -0 "$PI_AGENT_PID" 2>/dev/null || { cat "$PI_TMP/agent.log" >&2; echo "agent died" >&2; return 1; }
    sleep 0.01
  done
  echo "agent not ready after 30 s" >&2
  return 1
}

pi_rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

pi_wrk_rps() { # wrk output on stdin -> requests/s
  awk '/^Requests\/sec/ {print $2}'
}
