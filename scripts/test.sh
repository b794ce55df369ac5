#!/usr/bin/env bash
# The one command that builds ModelSync and runs every test (README, .ci/run).
# Ends with: tests: N passed, N failed
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/install-deps.sh

artifacts="$repo/artifacts"
rm -rf "$artifacts/test-results"
mkdir -p "$artifacts"

echo "== restore + build (warnings are errors)"
dotnet build ModelSync.sln -c Release -nologo -p:TreatWarningsAsErrors=true -clp:ErrorsOnly

echo "== publish the gate and the daemon (Native AOT, linux-x64; any trim/AOT warning fails)"
bash scripts/publish.sh

echo "== test"
set +e
dotnet test ModelSync.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$artifacts/test-results" \
  --logger "console;verbosity=normal" 2>&1 | grep -vE '^\s*$'
test_rc=${PIPESTATUS[0]}
set -e

passed=0 failed=0
# Script-level tests: each counts as one test; its output goes to artifacts/test-results/NAME.log.
run_check() { # NAME COMMAND...
  local log=$artifacts/test-results/$1.log
  shift
  echo "== $*"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "   passed"
  else
    failed=$((failed + 1))
    echo "   FAILED (tail of $log):"
    tail -n 30 "$log"
  fi
}
# linux-arm64: cross-built here, then the gate's contract tests and the daemon's sync tests under qemu.
run_check arm64-publish bash scripts/publish.sh --arch arm64
run_check arm64-gate bash scripts/arm64-check.sh gate
run_check arm64-daemon bash scripts/arm64-check.sh daemon
run_check deploy-check bash scripts/deploy-check.sh --no-dotnet
run_check deploy-images bash scripts/deploy-images.sh
run_check deploy-e2e bash scripts/deploy-e2e.sh
run_check release bash scripts/release-check.sh
run_check example bash examples/run.sh
run_check example-options bash scripts/example-check.sh

for trx in "$artifacts"/test-results/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)) failed=$((failed + f))
done
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # a test host crash leaves no failed counter behind; never report green
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
