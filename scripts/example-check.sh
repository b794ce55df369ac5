#!/usr/bin/env bash
# examples/run.sh's options: a busy port gives one clear line and exit 1 before anything is built or
# started; --port 0 and --dir (and the env variables) move the example to a free port and another
# directory, and it passes there (~10 s once artifacts/ is built).
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "example-check: FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d /tmp/modelsync-example-check.XXXXXX)
busy_pid=""
cleanup() { [ -z "$busy_pid" ] || kill "$busy_pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

# A port held by another listener.
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(600)' >"$dir/port" &
busy_pid=$!
for _ in $(seq 50); do [ -s "$dir/port" ] && break; sleep 0.1; done
busy=$(cat "$dir/port")
rc=0
MODELSYNC_EXAMPLE_DIR=$dir/busy bash examples/run.sh --port "$busy" >"$dir/out" 2>"$dir/err" || rc=$?
((rc == 1)) || fail "busy port $busy: exit $rc, not 1"
[ "$(wc -l <"$dir/err")" -eq 1 ] || fail "busy port: not one line: $(cat "$dir/err")"
grep -q "port $busy on 127.0.0.1 is in use" "$dir/err" || fail "busy port: the line does not say so: $(cat "$dir/err")"
! grep -q 'bind()' "$dir/err" "$dir/out" || fail "busy port: nginx bind() errors"
[ ! -e "$dir/busy" ] || fail "busy port: $dir/busy was created anyway"
echo "ok  busy port $busy: $(cat "$dir/err")"

# Any free port, another directory (given through the environment, as CI would).
MODELSYNC_EXAMPLE_PORT=0 bash examples/run.sh --dir "$dir/moved" >"$dir/out" 2>&1 || { tail -n 30 "$dir/out"; fail "the example on a free port in $dir/moved"; }
grep -q "example: OK (store at $dir/moved/store)" "$dir/out" || fail "the example did not use $dir/moved: $(tail -n 3 "$dir/out")"
if ! grep -qE '^== serving examples/source/ on 127\.0\.0\.1:[0-9]+' "$dir/out" || grep -q '127.0.0.1:8765' "$dir/out"; then
  fail "--port 0 still served on 8765"
fi
[ -f "$dir/moved/store/inventory.json" ] || fail "no store in $dir/moved"
echo "ok  --port 0, MODELSYNC_EXAMPLE_DIR: $(grep '^== serving' "$dir/out")"
