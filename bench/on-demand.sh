#!/usr/bin/env bash
# On demand (issue 31): a pod asking for an on-demand model on an empty node, against `sync` of that model alone,
# and twenty pods asking at once. Writes bench/ON-DEMAND-RESULTS.md.
#   bash bench/on-demand.sh                     # 1 GiB model, 3 runs each (median), 20 gates
#   BENCH_SIZE_MIB=256 RUNS=1 GATES=20 bash bench/on-demand.sh
# "Running" is the exec form of the gate: `gate --require m -- /bin/true` starts on an empty store with the daemon
# (`run`, already up as its DaemonSet would be) listening; the time is from the gate's start to /bin/true's exit,
# i.e. ask + fetch + verify + publish + the gate's check + pin + exec. `sync` is the setup Job's verb on the same
# model into an empty store (process start included). Same nginx, same file, same disk, one run.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
size_mib=${BENCH_SIZE_MIB:-1024}
runs=${RUNS:-3}
gates=${GATES:-20}
port=${BENCH_PORT:-18182}
work=${BENCH_WORK:-/var/tmp/modelsync-bench-ondemand}
out=${BENCH_OUT:-$repo/bench/ON-DEMAND-RESULTS.md}
daemon="${MODELSYNC_DAEMON_BIN:-$repo/artifacts/daemon/ModelSync.Daemon}"
gate="${MODELSYNC_GATE_BIN:-$repo/artifacts/gate/ModelSync.Gate}"
if [ ! -x "$daemon" ] || [ ! -x "$gate" ]; then bash scripts/publish.sh >/dev/null; fi
# shellcheck source=scripts/lib/nginx.sh
source scripts/lib/nginx.sh

rm -rf "$work" && mkdir -p "$work/src" "$work/dl"
file=$work/src/model.bin
head -c "$((size_mib << 20))" /dev/urandom >"$file"
bytes=$(stat -c %s "$file")
sha=$(openssl dgst -sha256 -r "$file" | cut -c1-64)
start_nginx "$work/src" "$port" "$work"
daemon_pid=
stop_all() { [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; wait 2>/dev/null || true; stop_nginx; }
trap stop_all EXIT
api_port=$((port + 1))

manifest() { # STORE ON-DEMAND(true|false)
  local placement=""
  [ "$2" = true ] && placement=$'\n    placement: { onDemand: true, keepAfterLastUse: 1h }'
  cat >"$work/models.yaml" <<YAML
store: { root: $1, reserve: 1Gi }
sync: { interval: 10m }
models:
  - name: bench
    version: v1
    baseUrl: http://127.0.0.1:$port/$placement
    files:
      - { path: model.bin, size: $bytes, sha256: $sha }
YAML
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
served() { awk '{ s += $10 } END { printf "%.0f", s }' "$work/nginx/logs/access.log"; }
start_daemon() { # STORE
  manifest "$1" true
  "$daemon" run --manifest "$work/models.yaml" --listen "http://127.0.0.1:$api_port" >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 200); do [ -S "$1/.modelsync/request.sock" ] && return; sleep 0.05; done
  echo "daemon did not open its request socket" >&2 && cat "$work/daemon.log" >&2 && exit 1
}
stop_daemon() {
  kill "$daemon_pid"
  wait "$daemon_pid" || true
  daemon_pid=
}

sync_ms=() curl_ms=() ask_ms=()
for ((r = 0; r < runs; r++)); do
  rm -rf "$work/dl"/* && sync && t=$(date +%s%N)
  curl -sf -o "$work/dl/curl.bin" "http://127.0.0.1:$port/model.bin" && curl_ms+=("$(ms_since "$t")")

  rm -rf "$work/dl"/* && sync && manifest "$work/dl/store" false && t=$(date +%s%N)
  "$daemon" sync --manifest "$work/models.yaml" >"$work/sync.log" 2>&1
  sync_ms+=("$(ms_since "$t")")

  rm -rf "$work/dl"/* && sync && start_daemon "$work/dl/store" && t=$(date +%s%N)
  "$gate" --root "$work/dl/store" --require bench --interval 2s --timeout 10m -- /bin/true >"$work/gate.log" 2>&1
  ask_ms+=("$(ms_since "$t")")
  stop_daemon
done

# Twenty pods at once on an empty node: how many bytes nginx sends (one download = the file's size once).
rm -rf "$work/dl"/* && sync && start_daemon "$work/dl/store"
: >"$work/nginx/logs/access.log"
t=$(date +%s%N)
pids=()
for ((g = 0; g < gates; g++)); do
  "$gate" --root "$work/dl/store" --require bench --interval 2s --timeout 10m -- /bin/true >"$work/gate-$g.log" 2>&1 &
  pids+=($!)
done
ok=0
for p in "${pids[@]}"; do wait "$p" && ok=$((ok + 1)); done
all_ms=$(ms_since "$t")
sent=$(served)
fetches=$(curl -sf "http://127.0.0.1:$api_port/metrics" | awk '/^modelsync_ondemand_fetches_total\{/ { s += $2 } END { print s + 0 }')
stop_daemon

s=$(median "${sync_ms[@]}") a=$(median "${ask_ms[@]}") c=$(median "${curl_ms[@]}")
ratio=$(awk -v a="$a" -v s="$s" 'BEGIN { printf "%.2f", a / s }')
{
  echo "# On demand: a pod asking on an empty node, against \`sync\`"
  echo
  echo "\`bash bench/on-demand.sh\` ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), native binaries)."
  echo "One ${size_mib} MiB random file served by nginx on 127.0.0.1 from page cache; every store below $work/dl"
  echo "($(findmnt -no FSTYPE --target "$work")); medians of $runs runs."
  echo
  echo "| measure | median ms | runs |"
  echo "|---|---:|---|"
  echo "| curl to a file (no verify, no fsync), for scale | $c | ${curl_ms[*]} |"
  echo "| \`sync\` of the model alone, empty store (process start, fetch, sha256, fsync, publish) | $s | ${sync_ms[*]} |"
  echo "| a pod asking: \`gate --require bench -- /bin/true\` on an empty store, the daemon (\`run\`) up | $a | ${ask_ms[*]} |"
  echo
  echo "Asking / sync: **${ratio}x** (target ≤ 1.15x)."
  echo
  echo "**$gates gates at once** on an empty store: $ok of $gates ran their command, after ${all_ms} ms; nginx sent"
  echo "$sent bytes for them (the model is $bytes bytes: $(awk -v s="$sent" -v b="$bytes" 'BEGIN { printf "%.2f", s / b }') downloads);"
  echo "\`modelsync_ondemand_fetches_total\`: $fetches."
} >"$out"
cat "$out"
