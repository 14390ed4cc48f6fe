#!/usr/bin/env bash
# Builds the server in Release, seeds a 100,000-user account and a 1,000-user account, starts the server and runs
# the benchmark against it. Usage: bench/run.sh [sqlite|postgres] [--quick]
#   postgres needs BENCH_POSTGRES, an Npgsql connection string to an empty database created as docs/deploy.md says.
set -euo pipefail
cd "$(dirname "$0")/.."
engine="${1:-sqlite}"; shift || true
quick=""; [ "${1:-}" = "--quick" ] && quick="--quick"
users=100000; [ -n "$quick" ] && users=20000

work=$(mktemp -d /tmp/scim-bench.XXXXXX)
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

large=$($api accounts create --name "bench large" 2>/dev/null)
small=$($api accounts create --name "bench small" 2>/dev/null)
large_id=$(echo "$large" | json "['accountId']"); large_token=$(echo "$large" | json "['scimToken']")
small_id=$(echo "$small" | json "['accountId']"); small_token=$(echo "$small" | json "['scimToken']")

echo "seeding $users users…" >&2
$api seed --account "$large_id" --users "$users" 2>/dev/null | tee "$work/seed-users.json" >&2
$api seed --account "$small_id" --users 1000 2>/dev/null >&2
g100k=$($api seed --account "$large_id" --users 0 --groups 1 --group-size "$users" 2>/dev/null | json "['groups'][0]")
g10k=$($api seed --account "$large_id" --users 0 --groups 1 --group-size 10000 2>/dev/null | json "['groups'][0]")
g100=$($api seed --account "$large_id" --users 0 --groups 1 --group-size 100 2>/dev/null | json "['groups'][0]")

port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
$api --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done

mkdir -p bench/results
dotnet bench/ScimProvisioning.Bench/bin/Release/net10.0/ScimProvisioning.Bench.dll \
  --url "http://127.0.0.1:$port/client/v4/accounts/$large_id/scim/v2" --token "$large_token" \
  --small-url "http://127.0.0.1:$port/client/v4/accounts/$small_id/scim/v2" --small-token "$small_token" \
  --group-100 "$g100" --group-10k "$g10k" --group-100k "$g100k" \
  --server-pid "$server" --out "bench/results/$engine${quick:+-quick}.json" $quick
