#!/usr/bin/env bash
# Throughput with the flight recorder off and on (issue 15), measured with wrk against two servers on copies of one
# seeded SQLite database, in alternating rounds. Usage: bench/recorder.sh [users] [rounds] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-100000}"; rounds="${2:-3}"; seconds="${3:-10}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
work=$(mktemp -d /tmp/scim-recorder-bench.XXXXXX)
export Scim__Profile=Standard RateLimit__Enabled=false Bootstrap__PrintTokensOnStartup=false
export Auth__SigningKey="bench-signing-key-0123456789-0123456789-0123456789"
export Database__Provider=Sqlite ConnectionStrings__Scim="Data Source=$work/seed.db"
dotnet build -c Release src/ScimProvisioning.Api -v q -nologo >/dev/null
api="dotnet src/ScimProvisioning.Api/bin/Release/net10.0/ScimProvisioning.Api.dll"
account=$($api accounts create --name bench 2>/dev/null)
id=$(echo "$account" | python3 -c "import json,sys; print(json.load(sys.stdin)['accountId'])")
token=$(echo "$account" | python3 -c "import json,sys; print(json.load(sys.stdin)['scimToken'])")
$api seed --account "$id" --users "$users" >/dev/null 2>&1
pick="SELECT Id FROM Users WHERE AccountId='$id' LIMIT 1 OFFSET 5000"
user=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$work/seed.db" "$pick")
python3 -c "import sqlite3; c=sqlite3.connect('$work/seed.db'); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()"
start() { # name, recorder enabled, port
  cp "$work/seed.db" "$work/$1.db"
  ConnectionStrings__Scim="Data Source=$work/$1.db" Recorder__Enabled="$2" $api --urls "http://127.0.0.1:$3" >"$work/$1.log" 2>&1 &
  echo $! >"$work/$1.pid"
}
start off false 5301; start on true 5302
trap 'kill $(cat "$work"/*.pid) 2>/dev/null || true' EXIT
sleep 8
base() { echo "http://127.0.0.1:$1/client/v4/accounts/$id/scim/v2"; }
rate() { wrk "$@" | awk '/Requests\/sec/ {print $2}'; }
for server in off:5301 on:5302; do # warm-up
  wrk -t2 -c16 -d3s -H "Authorization: Bearer $token" "$(base "${server#*:}")/Users/$user" >/dev/null
done
echo "round,server,get_user_per_s,filter_eq_per_s,post_users_per_s"
for round in $(seq 1 "$rounds"); do
  for server in off:5301 on:5302; do
    port="${server#*:}"; h=(-H "Authorization: Bearer $token")
    get=$(rate -t2 -c16 -d"${seconds}s" "${h[@]}" "$(base "$port")/Users/$user")
    filter=$(rate -t2 -c16 -d"${seconds}s" "${h[@]}" "$(base "$port")/Users?filter=userName%20eq%20%22seed-12345%40bench.example%22")
    post=$(rate -t2 -c16 -d"${seconds}s" "${h[@]}" -s bench/recorder-post.lua "$(base "$port")/Users")
    echo "$round,${server%%:*},$get,$filter,$post"
  done
done
admin=$(echo "$account" | python3 -c "import json,sys; print(json.load(sys.stdin)['adminToken'])")
echo "recorder status: $(curl -s -H "Authorization: Bearer $admin" "http://127.0.0.1:5302/client/v4/accounts/$id/provisioning_log/status")"
