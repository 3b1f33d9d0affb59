#!/usr/bin/env bash
# AssumeRoleForPodIdentity throughput and latency with the builtin issuer (issue 4):
# wrk -t2 -c50 against `podidentity up`, replaying one request signed by botocore with the agent
# key, first with 10 associations in the store, then with 100,000. Prints requests/s, p50/p99 and
# the ratio of the two throughputs. Bounded: two 20 s runs plus setup.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bin/java-env.sh"
for tool in wrk sqlite3 curl; do
  command -v "$tool" >/dev/null || { echo "installing $tool" >&2; apt-get install -y -q "$tool" >/dev/null; }
done
DURATION=${DURATION:-20}
CONNS=${CONNS:-50}
(cd "$root" && mvn -q -B -DskipTests -Dspotless.check.skip=true install >/dev/null)
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start() {
  PODIDENTITY_JAVA_OPTS="${BENCH_JAVA_OPTS:-}" "$root/podidentity" up --data-dir "$work/data" --port "$port" \
    --agent-port $((port + 1)) --webhook-port $((port + 2)) > "$work/up.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0; sleep 0.5; done
  echo "server did not start" >&2; cat "$work/up.log" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

start
export AWS_SHARED_CREDENTIALS_FILE="$work/data/credentials" AWS_CONFIG_FILE="$work/data/config" AWS_PROFILE=podidentity
cat > "$work/trust.json" <<'JSON'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}
JSON
aws iam create-role --role-name bench-role --assume-role-policy-document "file://$work/trust.json" >/dev/null
for i in $(seq 1 10); do
  aws eks create-pod-identity-association --cluster-name local --namespace bench --service-account "sa-$i" \
    --role-arn arn:aws:iam::111122223333:role/bench-role >/dev/null
done
token=$("$root/podidentity" token --data-dir "$work/data" --namespace bench --service-account sa-1)
agent_key=$(awk '/\[podidentity-agent\]/{f=1} f&&/aws_access_key_id/{print $3; exit}' "$work/data/credentials")
agent_secret=$(awk '/\[podidentity-agent\]/{f=1} f&&/aws_secret_access_key/{print $3; exit}' "$work/data/credentials")

run() { # label
  python3 "$root/bench/sign_request.py" POST "http://127.0.0.1:$port/clusters/local/assume-role-for-pod-identity" \
    "{\"token\":\"$token\"}" eks-auth us-east-1 "$agent_key" "$agent_secret" "$work/req.lua"
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/healthz" || true
  wrk -t2 -c"$CONNS" -d5s -s "$work/req.lua" "http://127.0.0.1:$port" >/dev/null   # warm-up
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$work/req.lua" "http://127.0.0.1:$port" > "$work/$1.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/{print $2}' "$work/$1.txt")
  p50=$(awk '$1=="50%"{print $2}' "$work/$1.txt")
  p99=$(awk '$1=="99%"{print $2}' "$work/$1.txt")
  non2xx=$(awk '/Non-2xx/{print $5}' "$work/$1.txt"); non2xx=${non2xx:-0}
  echo "$1: ${rps} req/s  p50 ${p50}  p99 ${p99}  non-2xx ${non2xx}"
  echo "$rps" > "$work/$1.rps"
}
run "10-associations"

# Seed 100,000 associations straight into the store (the API would take minutes), then restart.
# A cluster holds at most 5,000 (EKS's limit, which we enforce), so they go to 20 more clusters.
stop
python3 - "$work/data/store.db" <<'PY'
import sqlite3, sys, random, string, time
db = sqlite3.connect(sys.argv[1])
now = int(time.time() * 1000)
alphabet = string.ascii_lowercase + string.digits
for c in range(20):
    db.execute("INSERT INTO clusters(name, arn, account_id, region, issuer, jwks, created_at) VALUES (?,?,?,?,?,?,?)",
               ("seed-%d" % c, "arn:aws:eks:us-east-1:111122223333:cluster/seed-%d" % c, "111122223333", "us-east-1",
                "https://seed.example/%d" % c, '{"keys":[]}', now))
rows = []
for i in range(100000):
    aid = "a-" + "".join(random.choice(alphabet) for _ in range(17))
    rows.append((aid, "seed-%d" % (i % 20), "ns-%d" % (i % 1000), "sa-%d" % i, "arn:aws:iam::111122223333:role/bench-role", now, now))
db.executemany("INSERT INTO associations(association_id, cluster_name, namespace, service_account, role_arn, created_at, modified_at) VALUES (?,?,?,?,?,?,?)", rows)
db.commit()
print("associations in store:", db.execute("SELECT count(*) FROM associations").fetchone()[0])
PY
start
run "100k-associations"
python3 - "$(cat "$work/10-associations.rps")" "$(cat "$work/100k-associations.rps")" <<'PY'
import sys
a, b = float(sys.argv[1]), float(sys.argv[2])
print("throughput with 100k associations / with 10: %.3f" % (b / a))
PY
