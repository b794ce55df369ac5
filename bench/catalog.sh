#!/usr/bin/env bash
# A catalog of many small models (issue 33): N models x FILES files of FILE_KIB KiB, served by nginx, for
# each N of COUNTS: a first `sync` against `aria2c -j16` (then `sync` over what aria2c fetched is not the
# same work, so aria2c is given as is and with `sync` after it, both from an empty directory), a no-op
# `sync`, the run mode's no-op passes (its own "Reconcile finished ... in" lines), `status`, `/status` and
# the gate's `--check` of every model. Peak RSS from /usr/bin/time (the one-shot verbs) or VmHWM (run).
# The manifest is a directory of PARTS files (default 10; models dealt out in turn, the first also has store and
# sync), with DIGEST (default sha256) digests; PARTS=1 writes one file instead (xxh128 then keeps 1,000 x 10 files
# under the 1 MiB a file may be).
#   bash bench/catalog.sh                         # COUNTS="100 300 1000" FILES=10 FILE_KIB=4 PASSES=3 PARTS=10
#   COUNTS="100 300" BENCH_OUT=/tmp/catalog.md bash bench/catalog.sh
# Writes the table to BENCH_OUT (default: stdout only); the write-up is bench/CATALOG.md.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
counts=${COUNTS:-100 300 1000}
files=${FILES:-10}
file_kib=${FILE_KIB:-4}
passes=${PASSES:-3}
parts=${PARTS:-10}
digest=${DIGEST:-sha256}
port=${BENCH_PORT:-18283}
listen_port=$((port + 1))
work=${BENCH_WORK:-/var/tmp/modelsync-catalog}
out=${BENCH_OUT:-}
daemon=${MODELSYNC_DAEMON_BIN:-$repo/artifacts/daemon/ModelSync.Daemon}
gate=${MODELSYNC_GATE_BIN:-$repo/artifacts/gate/ModelSync.Gate}
if [ ! -x "$daemon" ] || [ ! -x "$gate" ]; then bash scripts/publish.sh; fi
# shellcheck source=scripts/lib/nginx.sh
source scripts/lib/nginx.sh

rm -rf "$work"
mkdir -p "$work/src" "$work/dl"
max=0
for n in $counts; do ((n > max)) && max=$n; done
echo "catalog: making $max models x $files files of $file_kib KiB"
python3 - "$work/src" "$max" "$files" "$file_kib" <<'EOF'
import os, sys
root, models, files, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for m in range(models):
    d = os.path.join(root, f"m{m}")
    os.makedirs(d, exist_ok=True)
    for f in range(files):
        with open(os.path.join(d, f"f{f}.bin"), "wb") as out:
            out.write(os.urandom(kib * 1024))
EOF
if [ "$digest" = sha256 ]; then hasher=(sha256sum); else hasher=(xxhsum -H2); fi
(cd "$work/src" && find . -name '*.bin' -print0 | xargs -0 "${hasher[@]}" | sed 's|  \./|  |') >"$work/hashes"
start_nginx "$work/src" "$port" "$work"
run_pid=""
cleanup() { [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null; stop_nginx; }
trap cleanup EXIT

# manifest N: models m0..m(N-1) into $manifest_path: a directory of PARTS files, or one file when PARTS=1.
manifest() {
  local n=$1
  manifest_path=$work/catalog-$n
  rm -rf "$manifest_path" "$manifest_path.yaml"
  if [ "$parts" -gt 1 ]; then mkdir -p "$manifest_path"; else manifest_path=$manifest_path.yaml; fi
  python3 - "$work/hashes" "$n" "$files" "$work/dl/store-$n" "$port" "$((file_kib * 1024))" "$parts" "$digest" "$manifest_path" <<'EOF'
import sys
hashes, n, files, store, port, size, parts, digest, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6]), int(sys.argv[7]), sys.argv[8], sys.argv[9]
by = {}
for line in open(hashes):
    h, p = line.split()
    by[p] = h
out = [open(target, "w")] if parts == 1 else [open(f"{target}/part-{i:02d}.yaml", "w") for i in range(parts)]
print(f"store: {{ root: {store}, reserve: 1Gi }}", file=out[0])
print("sync: { interval: 1s }", file=out[0])
for o in out:
    print("models:", file=o)
for m in range(n):
    o = out[m % len(out)]
    print(f"  - name: m{m}\n    version: v1\n    baseUrl: http://127.0.0.1:{port}/m{m}/\n    files:", file=o)
    for f in range(files):
        print(f"      - {{ path: f{f}.bin, size: {size}, {digest}: {by[f'm{m}/f{f}.bin']} }}", file=o)
for o in out:
    o.close()
EOF
  # Each model in its own directory, as the store keeps them (aria2c's per-URL dir= would be relative to the cwd).
  awk -v n="$n" -v p="$port" -v f="$files" -v d="$work/dl/aria" 'BEGIN { for (m = 0; m < n; m++) for (i = 0; i < f; i++) printf "http://127.0.0.1:%s/m%d/f%d.bin\n  dir=%s/m%d\n", p, m, i, d, m }' >"$work/urls-$n"
}

# timed NAME COMMAND...: wall seconds, peak RSS KiB and CPU seconds (user + system) into $t, $m and $c. On a
# machine shared with other builds the wall time is mostly waiting for a core; the CPU time is what it cost.
timed() {
  local name=$1; shift
  sync
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >"$work/$name.out" 2>"$work/$name.log" || {
    local rc=$?
    # status and the gate exit 1 when a model is not Ready: that is a finding, not a bench failure.
    if [ "$rc" -ne 1 ] || [[ $name != status* && $name != gate* ]]; then
      echo "catalog: $name failed ($rc)"
      tail -5 "$work/$name.log"
      exit 1
    fi
  }
  local u s
  read -r t m u s <"$work/time"
  c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
}

# seconds DURATION: the log's durations (1m2s850ms, 29s985ms, 850ms) as seconds.
seconds() {
  awk -v d="$1" 'BEGIN { t = 0
    while (match(d, /^[0-9.]+(ms|h|m|s)/)) {
      part = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1)
      n = part + 0; u = part; sub(/^[0-9.]+/, "", u)
      t += (u == "h") ? n * 3600 : (u == "m") ? n * 60 : (u == "ms") ? n / 1000 : n
    }
    printf "%.3f", t }'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
for n in $counts; do
  manifest "$n"
  store=$work/dl/store-$n
  bytes=$((n * files * file_kib * 1024))
  rm -rf "$work/dl/aria"
  timed "aria2c-$n" aria2c -q -j16 --allow-overwrite=true -d "$work/dl/aria" -i "$work/urls-$n"
  aria=$t
  rm -rf "$store"
  timed "sync-first-$n" "$daemon" sync -m "$manifest_path"
  first=$t first_rss=$m
  timed "sync-noop-$n" "$daemon" sync -m "$manifest_path"
  noop=$t noop_rss=$m noop_cpu=$c
  timed "status-$n" "$daemon" status --root "$store"
  status=$t status_cpu=$c
  timed "gate-$n" "$gate" --check --root "$store"
  gate_s=$t gate_rss=$m gate_cpu=$c
  inv_kib=$(($(stat -c %s "$store/inventory.json") / 1024))

  # Run mode over the synced store: every pass a no-op. The first pass after start is counted too.
  "$daemon" run --manifest "$manifest_path" --listen "http://127.0.0.1:$listen_port" --node bench 2>"$work/run-$n.log" &
  run_pid=$!
  for _ in $(seq 1200); do
    (($(grep -c 'Reconcile finished' "$work/run-$n.log" || true) >= passes)) && break
    kill -0 "$run_pid" 2>/dev/null || { echo "catalog: run exited"; tail -5 "$work/run-$n.log"; exit 1; }
    sleep 0.25
  done
  run_passes=$(grep -oE 'Reconcile finished: .* in [0-9hms.]+' "$work/run-$n.log" | awk '{ print $NF }' | while read -r d; do seconds "$d"; echo; done | tr '\n' ' ')
  s0=$(date +%s.%N)
  curl -sf -o "$work/status-$n.json" "http://127.0.0.1:$listen_port/status"
  http_status=$(awk -v a="$s0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  run_rss=$(awk '/VmHWM/ { print $2 }' "/proc/$run_pid/status")
  kill "$run_pid"; wait "$run_pid" 2>/dev/null || true; run_pid=""

  row="| $n | $bytes | $aria | $first | $(awk -v a="$aria" -v b="$first" 'BEGIN { printf "%.2f", b / a }') | $((first_rss / 1024)) | $noop ($noop_cpu) | $((noop_rss / 1024)) | ${run_passes% } | $((run_rss / 1024)) | $status ($status_cpu) | $http_status | $gate_s ($gate_cpu) | $((gate_rss / 1024)) | $inv_kib |"
  echo "catalog: $row"
  rows+=("$row")
  rm -rf "$work/dl/aria"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

report() {
  echo "Reproduce: \`COUNTS=\"$counts\" FILES=$files FILE_KIB=$file_kib PASSES=$passes PARTS=$parts DIGEST=$digest bash bench/catalog.sh\` ($(git -C "$repo" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ))."
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), shared with other builds;"
  echo "load average before: $load_before, after: $load_after. One run of each (not a median)."
  echo
  echo "Times in seconds, wall (CPU: user + system where given). Manifest: $( [ "$parts" -gt 1 ] && echo "a directory of $parts files" || echo "one file"), $digest digests."
  echo
  echo "| models | bytes | aria2c -j16 s | first sync s | sync/aria2c | first sync RSS MiB | no-op sync s | no-op RSS MiB | run passes s | run RSS MiB | status s | /status s | gate --check s | gate RSS MiB | inventory KiB |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
}
if [ -n "$out" ]; then report >"$out"; echo "catalog: wrote $out"; else report; fi
