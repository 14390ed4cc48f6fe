#!/usr/bin/env bash
# The hot paths measured with wrk (a C load generator, far lighter than the server it drives) against the server and,
# in the same run, against a trivial Kestrel endpoint; every ratio is taken within one run.
# Usage: bench/wrk.sh [sqlite|postgres] [--quick] [--seconds S] [--rounds R] [--warmup S]
#   Each scenario is first driven unmeasured for --warmup seconds (default 15): the JIT needs ~10-15 s of load before
#   the server runs its optimised code (a fresh server's GET /Users/{id} went 8,552 → 11,034 → 24,849/s in 5 s steps).
#   Each measured run starts once the machine is idle again (settle, at most 30 s; the wait is in the results).
#   postgres needs BENCH_POSTGRES, an Npgsql connection string to an empty database created as docs/deploy.md says.
# Writes bench/results/wrk-ENGINE.json (and prints it); docs/benchmarks.md reads the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
engine="${1:-sqlite}"; shift || true
users=100000; seconds=10; rounds=3; warmup=15
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) users=20000; seconds=5; rounds=1; warmup=5 ;;
    --warmup) warmup="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

work=$(mktemp -d /tmp/scim-wrk.XXXXXX)
export Scim__Profile=Standard RateLimit__Enabled=false Bootstrap__PrintTokensOnStartup=false
export Auth__SigningKey="bench-signing-key-0123456789-0123456789-0123456789"
if [ "$engine" = "postgres" ]; then
  export Database__Provider=Postgres ConnectionStrings__Scim="${BENCH_POSTGRES:?set BENCH_POSTGRES}"
else
  export Database__Provider=Sqlite ConnectionStrings__Scim="Data Source=$work/bench.db"
fi

dotnet build -c Release src/ScimProvisioning.Api -v q -nologo >/dev/null
dotnet build -c Release bench/ScimProvisioning.Bench -v q -nologo >/dev/null
api="dotnet src/ScimProvisioning.Api/bin/Release/net10.0/ScimProvisioning.Api.dll"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
free_port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"; }

account=$($api accounts create --name "wrk bench" 2>/dev/null)
id=$(echo "$account" | json "['accountId']"); token=$(echo "$account" | json "['scimToken']")
echo "seeding $users users and a group of all of them…" >&2
$api seed --account "$id" --users "$users" 2>/dev/null >&2
group=$($api seed --account "$id" --users 0 --groups 1 --group-size "$users" 2>/dev/null | json "['groups'][0]")

port=$(free_port); ceiling_port=$(free_port)
$api --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
dotnet bench/ScimProvisioning.Bench/bin/Release/net10.0/ScimProvisioning.Bench.dll serve-ceiling "$ceiling_port" \
  >"$work/ceiling.log" 2>&1 &
ceiling=$!
trap 'kill $server $ceiling 2>/dev/null; wait $server $ceiling 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$ceiling_port/ping" >/dev/null && break; sleep 0.2; done

base="http://127.0.0.1:$port/client/v4/accounts/$id/scim/v2"
auth="Authorization: Bearer $token"
# 2,000 users from pages spread over the account: the ids and userNames the read scenarios pick from.
export WRK_DATA="$work"
python3 - "$base" "$token" "$users" "$work" <<'PY'
import json, random, sys, urllib.request
base, token, users, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ids, names = [], []
for start in random.Random(7).sample(range(1, max(users - 100, 2)), 20):
    request = urllib.request.Request(f"{base}/Users?startIndex={start}&count=100", headers={"Authorization": f"Bearer {token}"})
    for user in json.load(urllib.request.urlopen(request))["Resources"]:
        ids.append(user["id"]); names.append(user["userName"])
open(f"{work}/ids.txt", "w").write("\n".join(ids) + "\n")
open(f"{work}/usernames.txt", "w").write("\n".join(names) + "\n")
PY
export WRK_GROUP="$group" WRK_MEMBER=$(head -n 1 "$work/ids.txt")

# Waits (at most 30 s) until the machine is idle — under 10 % of its CPU busy over a second — so a scenario is not
# measured while the server or PostgreSQL still works off the previous one (the WAL checkpoint and the recorder's
# backlog after 10 s of creations; autovacuum). Prints the seconds waited.
settle() {
  python3 - <<'PY'
import time
def sample():
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(fields), fields[3] + fields[4]  # all, idle + iowait
start = time.time()
while time.time() - start < 30:
    total0, idle0 = sample(); time.sleep(1); total1, idle1 = sample()
    if 1 - (idle1 - idle0) / max(total1 - total0, 1) < 0.10:
        break
print(round(time.time() - start, 1))
PY
}

run() { # scenario threads connections seconds script url
  local waited; waited=$(settle)
  wrk -t"$2" -c"$3" -d"$4s" -H "$auth" -s "bench/wrk/$5" "$6" | tee -a "$work/wrk.log" \
    | sed -n 's/^WRK_RESULT //p' | python3 -c "
import json, sys
r = json.load(sys.stdin); r['scenario'] = '$1'; r['settled_after_s'] = $waited
status = dict(line.split(':', 1) for line in open('/proc/$server/status'))
r['server_rss_mb'] = round(int(status['VmRSS'].split()[0]) / 1024, 1)  # after the run: where the peak comes from
print(json.dumps(r))"
}
echo "warming up…" >&2
for script in get-user.lua filter-eq.lua post-users.lua; do run warmup 2 16 "$warmup" "$script" "$base" >/dev/null; done
run warmup 1 1 "$warmup" patch-member.lua "$base" >/dev/null
run warmup 2 16 "$warmup" ceiling.lua "http://127.0.0.1:$ceiling_port" >/dev/null

: >"$work/results.jsonl"
for round in $(seq 1 "$rounds"); do
  echo "round $round…" >&2
  run ceiling 2 16 "$seconds" ceiling.lua "http://127.0.0.1:$ceiling_port" >>"$work/results.jsonl"
  run get_user 2 16 "$seconds" get-user.lua "$base" >>"$work/results.jsonl"
  run filter_eq 2 16 "$seconds" filter-eq.lua "$base" >>"$work/results.jsonl"
  run post_users 2 16 "$seconds" post-users.lua "$base" >>"$work/results.jsonl"
  run patch_member 1 1 "$seconds" patch-member.lua "$base" >>"$work/results.jsonl"
done
rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")

mkdir -p bench/results
python3 - "$work/results.jsonl" "$engine" "$users" "$seconds" "$rss" <<'PY' | tee "bench/results/wrk-$engine.json"
import json, statistics, sys
path, engine, users, seconds, rss = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
runs = [json.loads(line) for line in open(path)]
def median(name, field="per_s"):
    return statistics.median(r[field] for r in runs if r["scenario"] == name)
errors = sum(sum(r["errors"].values()) for r in runs)
result = {
    "engine": engine, "users": users, "seconds_per_run": seconds, "client": "wrk -t2 -c16 (patch_member: -t1 -c1)",
    "rounds": len([r for r in runs if r["scenario"] == "ceiling"]), "figures": "medians over the rounds",
    "runs": runs,
    "ceiling_per_s": median("ceiling"),
    "get_user_per_s": median("get_user"),
    "filter_eq_per_s": median("filter_eq"),
    "post_users_per_s": median("post_users"),
    "patch_member_p50_ms": median("patch_member", "p50_ms"),
    "get_user_vs_ceiling": round(median("get_user") / median("ceiling"), 3),
    "filter_eq_vs_get_user": round(median("filter_eq") / median("get_user"), 3),
    "peak_rss_mb": round(rss / 1024, 1),
    "errors": errors,
}
print(json.dumps(result, indent=2))
PY
