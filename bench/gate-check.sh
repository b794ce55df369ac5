#!/usr/bin/env bash
# The gate's `--check --root STORE` of every model, before and after a change, in one run (issue 33, third round).
# Each binary runs RUNS times, alternating, on the machine as found and then beside LOAD more busy loops;
# prints median and best wall and CPU (user + system) seconds, peak RSS and, with strace, the syscalls of one run.
#   STORE=/var/tmp/st1000/store BEFORE=/tmp/gate-main bash bench/gate-check.sh   # AFTER: artifacts/gate/ModelSync.Gate
# A store of 1,000 models x 10 files: the one bench/catalog.sh syncs (COUNTS=1000, kept in its BENCH_WORK).
set -euo pipefail
cd "$(dirname "$0")/.."
store=${STORE:?STORE: the store root to check}
before=${BEFORE:?BEFORE: the gate binary to compare with}
after=${AFTER:-$PWD/artifacts/gate/ModelSync.Gate}
runs=${RUNS:-20}
load=${LOAD:-2}
tmp=$(mktemp -d)
busy=()
cleanup() {
  for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# measure LABEL: RUNS alternating runs of both binaries into $tmp/LABEL-{before,after}; the load average
# when it started into $tmp/LABEL-load.
measure() {
  local label=$1 i
  cut -d' ' -f1 /proc/loadavg >"$tmp/$label-load"
  for ((i = 0; i < runs; i++)); do
    for which in before after; do
      local bin=$before
      [ "$which" = after ] && bin=$after
      /usr/bin/time -f "%e %U %S %M" -a -o "$tmp/$label-$which" "$bin" --check --root "$store" >/dev/null 2>&1 || true
    done
  done
}

"$after" --check --root "$store" >"$tmp/out-after" || true
"$before" --check --root "$store" >"$tmp/out-before" || true
cmp -s "$tmp/out-before" "$tmp/out-after" && echo "reports: identical ($(tail -1 "$tmp/out-after"))" \
  || echo "reports: DIFFER (diff $tmp/out-before $tmp/out-after)"

measure "as found"
for ((i = 0; i < load; i++)); do
  (while :; do :; done) &
  busy+=($!)
done
measure "+$load busy loops"
for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null || true; done
busy=()

echo "| gate | machine | wall s median (best) | CPU s median (best) | peak RSS MiB |"
echo "|---|---|---:|---:|---:|"
for label in "as found" "+$load busy loops"; do
  for which in before after; do
    python3 - "$tmp/$label-$which" "$which" "$label (load average $(cat "$tmp/$label-load") at its start)" <<'EOF'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip() and line[0].isdigit()]
wall = [r[0] for r in rows]
cpu = [r[1] + r[2] for r in rows]
print(f"| {sys.argv[2]} | {sys.argv[3]} | {statistics.median(wall):.3f} ({min(wall):.3f}) | "
      f"{statistics.median(cpu):.3f} ({min(cpu):.3f}) | {max(r[3] for r in rows) / 1024:.1f} |")
EOF
  done
done

if command -v strace >/dev/null; then
  for which in before after; do
    bin=$before
    [ "$which" = after ] && bin=$after
    strace -f -c -o "$tmp/strace-$which" "$bin" --check --root "$store" >/dev/null 2>&1 || true
    echo "$which syscalls: $(awk '$NF == "total" { print $4 }' "$tmp/strace-$which"); top: $(awk 'NR > 2 && $1 ~ /^[0-9]/ && $NF != "total" { print $NF " " $4 }' "$tmp/strace-$which" | sort -k2 -nr | head -5 | paste -sd, -)"
  done
fi
