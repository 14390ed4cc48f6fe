#!/usr/bin/env bash
# Runs the vendors' SCIM conformance suites (../shared/conformance: Okta's SPEC test, Microsoft's SCIMReferenceCode
# collection) against the published server, freshly bootstrapped on an empty database for each profile:
#   Standard   — Microsoft's suite, then Okta's
#   Cloudflare — Okta's
# The server is published once and started from another working directory, as an operator would run it, so the
# run also checks that it finds its dashboard and puts its default database beside the program, and that a first
# start on an empty database prints no warnings.
#
#   tests/conformance/run-suites.sh [OUTDIR]          (default: TestResults/conformance)
#
# Kept failures are listed in tests/conformance/expected-failures.txt, each with its reason. Prints one line per
# suite and profile and, last, "conformance: P passed, F failed, K kept"; writes the same numbers to OUTDIR/counts.
# Exits non-zero on any unexpected failure. SCIM_CONFORMANCE_SUITES overrides where the suites are.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$repo/TestResults/conformance}
suites=${SCIM_CONFORMANCE_SUITES:-}
for candidate in "$suites" "$repo/../shared/conformance" /work/shared/conformance; do
  if [ -n "$candidate" ] && [ -x "$candidate/run.sh" ]; then suites=$candidate; break; fi
done
if [ ! -x "${suites:-}/run.sh" ]; then
  echo "conformance suites not found (set SCIM_CONFORMANCE_SUITES to the folder holding run.sh)" >&2
  exit 1
fi
expected="$repo/tests/conformance/expected-failures.txt"
rm -rf "$out" && mkdir -p "$out"
pub="$out/server"
dotnet publish "$repo/src/ScimProvisioning.Api" -c Release -o "$pub" -v q -nologo >"$out/publish.log" 2>&1 || {
  cat "$out/publish.log" >&2; echo "publish failed" >&2; exit 1; }

status=0
passed=0 failed=0 kept=0
port=$((20000 + RANDOM % 20000))
check() { if ! eval "$2"; then echo "  check failed: $1" >&2; status=1; fi; }

run_profile() {
  local profile=$1; shift
  local dir="$out/$profile" server_pid ready=0
  mkdir -p "$dir"
  rm -rf "$pub/data"
  port=$((port + 1))
  # From the root directory, so nothing depends on where it is started.
  local json
  json=$(cd / && Scim__Profile=$profile dotnet "$pub/ScimProvisioning.Api.dll" bootstrap --json 2>"$dir/bootstrap.log") || {
    cat "$dir/bootstrap.log" >&2; echo "bootstrap failed ($profile)" >&2; status=1; return; }
  check "first start on an empty database prints no warnings ($profile)" "! grep -E 'WRN|warn' '$dir/bootstrap.log' >&2"
  check "the default database is beside the program ($profile)" "[ -f '$pub/data/scim.db' ]"
  local account token
  account=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["accountId"])' "$json")
  token=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["scimToken"])' "$json")
  (cd / && Scim__Profile=$profile Bootstrap__PrintTokensOnStartup=false \
    exec dotnet "$pub/ScimProvisioning.Api.dll" --urls "http://127.0.0.1:$port") >"$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; then ready=1; break; fi
    sleep 0.2
  done
  if [ $ready -ne 1 ]; then
    cat "$dir/server.log" >&2; echo "server did not start ($profile)" >&2; status=1; kill "$server_pid" 2>/dev/null; return
  fi
  check "the server starts without warnings ($profile)" "! sed '/Application started/q' '$dir/server.log' | grep -E 'WRN' >&2"
  check "the published server serves the dashboard ($profile)" \
    "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/dashboard/)\" = 200 ]"
  "$suites/run.sh" "http://127.0.0.1:$port/client/v4/accounts/$account/scim/v2" "$token" "$dir" --expected "$expected" "$@" \
    >"$dir/summary.txt" 2>&1 || status=1
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null
  sed "s/^/[$profile] /" "$dir/summary.txt"
  # "okta: 53 passed, 0 failed (0 expected)"
  while read -r p f e; do
    passed=$((passed + p)); kept=$((kept + e)); failed=$((failed + f - e))
  done < <(sed -nE 's/^[a-z]+: ([0-9]+) passed, ([0-9]+) failed \(([0-9]+) expected\)$/\1 \2 \3/p' "$dir/summary.txt")
  if ! grep -qE '^[a-z]+: [0-9]+ passed' "$dir/summary.txt"; then status=1; failed=$((failed + 1)); fi
}

run_profile Standard microsoft okta
run_profile Cloudflare okta

echo "$passed $failed $kept" >"$out/counts"
echo "conformance: $passed passed, $failed failed, $kept kept"
[ "$failed" -eq 0 ] || status=1
exit $status
