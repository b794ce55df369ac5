#!/usr/bin/env bash
# Download + verify benchmark: ModelSync `sync` against curl, aria2c, openssl, sha256sum and xxhsum
# on the same file, same nginx, same run. Writes bench/RESULTS.md.
#   bash bench/bench.sh                 # 2 GiB file, 3 runs each (median wall, max RSS)
#   BENCH_SIZE_MIB=512 RUNS=1 bash bench/bench.sh
#   BENCH_WORK=/mnt/nvme/msb BENCH_OUT=/tmp/RESULTS-nvme.md bash bench/bench.sh   # another disk, another file
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
size_mib=${BENCH_SIZE_MIB:-2048}
runs=${RUNS:-3}
port=${BENCH_PORT:-18181}
work=${BENCH_WORK:-/var/tmp/modelsync-bench}
out=${BENCH_OUT:-$repo/bench/RESULTS.md}

bash scripts/install-deps.sh
[ -x artifacts/daemon/ModelSync.Daemon ] || bash scripts/publish.sh
daemon=$repo/artifacts/daemon/ModelSync.Daemon
# shellcheck source=scripts/lib/nginx.sh
source scripts/lib/nginx.sh

rm -rf "$work"
# Every command writes below $work/dl: ext4 then places all their blocks near that one directory. On a
# thin-provisioned virtual disk mounted with 'discard', speed depends on where a file lands (blocks the
# host never backed, or trimmed by the last rm, are slow to write), so separate directories were
# measuring the disk's regions rather than the tools.
mkdir -p "$work/src" "$work/dl"
file=$work/src/model.bin
echo "bench: making a ${size_mib} MiB random file"
head -c "$((size_mib << 20))" /dev/urandom >"$file"
bytes=$(stat -c %s "$file")
sha=$(openssl dgst -sha256 -r "$file" | cut -c1-64)
xxh=$(xxhsum -H2 "$file" | cut -d' ' -f1)
start_nginx "$work/src" "$port" "$work"
trap stop_nginx EXIT
url=http://127.0.0.1:$port/model.bin

manifest() { # NAME DIGEST-LINE [SYNC-EXTRA [STORE VERSION URL-DIR CONFIG-SHA256]]
  local config=""
  [ -n "${7:-}" ] && config=$'\n'"      - { path: config.json, size: 8, sha256: $7 }"
  cat >"$work/$1.yaml" <<YAML
store: { root: $work/dl/store-${4:-$1}, reserve: 1Gi }
sync: { concurrency: 1${3:+, $3} }
models:
  - name: bench
    version: ${5:-v1}
    baseUrl: http://127.0.0.1:$port/${6:-}
    files:
      - { path: model.bin, size: $bytes, $2 }$config
YAML
}
manifest sha "sha256: $sha"
manifest sha1 "sha256: $sha" "segmentsPerFile: 1"
manifest xxh "xxh128: $xxh"
limit=$((bytes / 30)) # ~30 s at the cap
manifest bw "xxh128: $xxh" "bandwidthLimit: $limit"
# Content reuse: model.bin + an 8-byte config.json; v2 changes only config.json, and serves the same
# model.bin (a hard link in the nginx root) under /v2/.
mkdir -p "$work/src/v2"
ln "$file" "$work/src/v2/model.bin"
printf '{"v":1}\n' >"$work/src/config.json"
printf '{"v":2}\n' >"$work/src/v2/config.json"
manifest rep "sha256: $sha" "" rep v1 "" "$(sha256sum "$work/src/config.json" | cut -c1-64)"
manifest rep2 "sha256: $sha" "" rep v2 v2/ "$(sha256sum "$work/src/v2/config.json" | cut -c1-64)"
published_config=$work/dl/store-rep/models/bench/v1/config.json

declare -A wall rss prep cmd walls served
names=()
# tool NAME PREP-COMMAND COMMAND: registers a command to time.
tool() { names+=("$1"); prep[$1]=$2; cmd[$1]=$3; walls[$1]=""; rss[$1]=0; served[$1]=0; }

cat "$file" >/dev/null # the source in page cache for everyone
dl=$work/dl/model.bin
tool curl "rm -f $dl" "curl -sS -o $dl $url"
tool curl+fsync "rm -f $dl" "curl -sS -o $dl $url && sync $dl"
tool aria2c "rm -f $dl $dl.aria2" "aria2c -q -x8 -s8 --allow-overwrite=true -d $work/dl -o model.bin $url"
tool "curl|tee|sha256sum" "rm -f $dl" "curl -sS $url | tee $dl | sha256sum"
tool "curl|tee|openssl" "rm -f $dl" "curl -sS $url | tee $dl | openssl dgst -sha256"
tool sha256sum "" "sha256sum $file"
tool "openssl dgst" "" "openssl dgst -sha256 $file"
tool "xxhsum -H2" "" "xxhsum -H2 $file"
tool "sync sha256" "rm -rf $work/dl/store-sha" "$daemon sync -m $work/sha.yaml"
tool "sync sha256 1 stream" "rm -rf $work/dl/store-sha1" "$daemon sync -m $work/sha1.yaml"
tool "sync xxh128" "rm -rf $work/dl/store-xxh" "$daemon sync -m $work/xxh.yaml"
# Reuse: a cold sync of model.bin + config.json; the repair of that version after one byte of its
# config.json was flipped and \`verify\` condemned it; v2 (a new config.json) synced over v1.
cold_rep="rm -rf $work/dl/store-rep && $daemon sync -m $work/rep.yaml 2>/dev/null"
tool "sync +config cold" "rm -rf $work/dl/store-rep" "$daemon sync -m $work/rep.yaml"
tool "sync repair" "$cold_rep && chmod u+w $published_config && printf X | dd of=$published_config bs=1 conv=notrunc status=none \
  && chmod 0444 $published_config && { $daemon verify -m $work/rep.yaml >/dev/null 2>&1; test \$? -eq 1; }" "$daemon sync -m $work/rep.yaml"
tool "sync v2 after v1" "$cold_rep" "$daemon sync -m $work/rep2.yaml"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Round robin: run i of every tool before run i+1 of any, so a slow stretch of the (shared, virtual)
# disk lands on all of them alike instead of on whichever tool happened to be measured then.
# Round 0 is a warm-up and not counted: on this thin-provisioned virtual disk the first write to blocks
# never written before is slow, which would hit whichever command first writes a new path.
for ((i = -1; i < runs; i++)); do
  for name in "${names[@]}"; do
    bash -c "${prep[$name]}" || { echo "bench: preparing $name failed"; exit 1; }
    sync # nobody pays for the previous run's writeback
    : >"$work/nginx/logs/access.log" # nginx appends: what it served for this command alone
    echo "$(date +%T) round $i $name" >>"$work/runs.log" # to match a slow run with other load on the machine
    /usr/bin/time -f "%e %M" -o "$work/time" bash -c "${cmd[$name]}" >/dev/null 2>"$work/run.log" \
      || { echo "bench: $name failed"; cat "$work/run.log"; exit 1; }
    read -r t m <"$work/time"
    ((i < 0)) && continue
    walls[$name]+="$t "
    ((m > rss[$name])) && rss[$name]=$m
    s=$(awk '{ s += $10 } END { printf "%.0f", s }' "$work/nginx/logs/access.log") # $body_bytes_sent (%.0f: mawk prints 2^31 as 2.14748e+09)
    ((s > served[$name])) && served[$name]=$s
  done
done
for name in "${names[@]}"; do
  # shellcheck disable=SC2086 # the run times are space-separated on purpose
  wall[$name]=$(printf '%s\n' ${walls[$name]} | sort -n | sed -n "$(((runs + 1) / 2))p")
  printf 'bench: %-22s %6ss  %7s KiB %11s B served   (runs: %s)\n' "$name" "${wall[$name]}" "${rss[$name]}" "${served[$name]}" "${walls[$name]% }"
done

# Bandwidth cap over a ~30 s window: the rate sync achieved, from its own "published in" time.
rm -rf "$work/dl/store-bw"
sync
"$daemon" sync -m "$work/bw.yaml" 2>"$work/bw.log"
# The log writes durations as the manifest does (1m2s850ms, 29s985ms, 850ms: docs/manifest.md).
bw_seconds=$(grep -oE 'bytes in [0-9hms.]+' "$work/bw.log" | awk '{
  d = $3; t = 0
  while (match(d, /^[0-9.]+(ms|h|m|s)/)) {
    part = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1)
    n = part + 0; u = part; sub(/^[0-9.]+/, "", u)
    t += (u == "h") ? n * 3600 : (u == "m") ? n * 60 : (u == "ms") ? n / 1000 : n
  }
  printf "%.3f", t }')
if [ -z "$bw_seconds" ] || [ "$bw_seconds" = 0.000 ]; then echo "bench: no 'published ... bytes in' line in $work/bw.log"; exit 1; fi
bw_rate=$(awk -v b="$bytes" -v s="$bw_seconds" 'BEGIN { printf "%.0f", b / s }')
bw_error=$(awk -v r="$bw_rate" -v l="$limit" 'BEGIN { printf "%+.1f", 100 * (r - l) / l }')
echo "bench: bandwidthLimit $limit B/s: $bw_rate B/s over ${bw_seconds}s (${bw_error}%)"

# Resume: throttle nginx so a kill lands mid-file, SIGKILL at ~50 %, then finish unthrottled and
# count what nginx sent after the kill.
stop_nginx
start_nginx "$work/src" "$port" "$work" "$((bytes / 40))" # per connection: ~10 s with 4 connections
rm -rf "$work/dl/store-sha"
"$daemon" sync -m "$work/sha.yaml" 2>"$work/resume1.log" &
pid=$!
state_dir=$work/dl/store-sha/.modelsync/staging/bench/v1.resume
done_bytes=0
while kill -0 "$pid" 2>/dev/null; do
  done_bytes=$({ grep -ho '"bytesDone":[0-9]*' "$state_dir"/*.json 2>/dev/null || true; } | cut -d: -f2 | sort -n | tail -1)
  done_bytes=${done_bytes:-0}
  ((done_bytes * 2 >= bytes)) && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
killed_at=$done_bytes
stop_nginx
: >"$work/nginx/logs/access.log"
start_nginx "$work/src" "$port" "$work"
"$daemon" sync -m "$work/sha.yaml" 2>"$work/resume2.log"
resent=$(awk '{ s += $10 } END { printf "%.0f", s }' "$work/nginx/logs/access.log")
resume_pct=$(awk -v a="$resent" -v b="$bytes" 'BEGIN { printf "%.1f", 100 * a / b }')
killed_pct=$(awk -v a="$killed_at" -v b="$bytes" 'BEGIN { printf "%.1f", 100 * a / b }')
echo "bench: resume after SIGKILL at ${killed_pct}% (hashed prefix): ${resume_pct}% of the file sent again"

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
ratio() { awk -v a="${wall[$1]}" -v b="${wall[$2]}" 'BEGIN { printf "%.2f", a / b }'; }
{
  echo "# Download and verify: ModelSync vs curl, aria2c, openssl, xxhsum"
  echo
  echo "Reproduce: \`BENCH_WORK=$work bash bench/bench.sh\` (BENCH_SIZE_MIB=$size_mib RUNS=$runs). Generated $(date -u +%Y-%m-%dT%H:%MZ)."
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM, kernel $(uname -r)."
  echo "One ${size_mib} MiB random file served by nginx on 127.0.0.1 from page cache; every tool writes below one directory of $(findmnt -no FSTYPE,OPTIONS --target "$work" | cut -d, -f1-4) ($work)."
  echo "Median wall time of $runs runs after one uncounted warm-up round, taken round robin (run i of every command"
  echo "before run i+1 of any) so a slow stretch of the shared disk hits all alike; every run's time is listed. Peak RSS: \`/usr/bin/time\`'s maximum resident set size."
  echo "Load average (1, 5, 15 min) before the timed rounds: $load_before; after the resume run: $load_after."
  echo
  echo "| command | wall s | MB/s | peak RSS MiB | bytes served | runs (s) |"
  echo "|---|---:|---:|---:|---:|---|"
  for k in "${names[@]}"; do
    awk -v n="${k//|/\\|}" -v w="${wall[$k]}" -v r="${rss[$k]}" -v b="$bytes" -v s="${served[$k]}" -v all="${walls[$k]% }" \
      'BEGIN { printf "| `%s` | %.2f | %.0f | %.1f | %.0f | %s |\n", n, w, (w > 0 ? b / w / 1048576 : 0), r / 1024, s, all }'
  done
  echo
  echo "| target | measured | goal |"
  echo "|---|---:|---:|"
  echo "| sync sha256 / curl -o | $(ratio "sync sha256" curl) | ≤ 1.10 |"
  echo "| sync sha256 / curl -o + fsync (the same durability) | $(ratio "sync sha256" curl+fsync) | (context) |"
  echo "| sync sha256 / aria2c -x8 | $(ratio "sync sha256" aria2c) | ≤ 1.00 |"
  echo "| sync xxh128 / curl -o | $(ratio "sync xxh128" curl) | ≤ 1.00 |"
  echo "| sync peak RSS | $(awk -v r="${rss["sync sha256"]}" 'BEGIN { printf "%.0f MiB", r / 1024 }') | ≤ 100 MiB |"
  echo "| resent after SIGKILL at ${killed_pct}% | ${resume_pct}% | ≤ 60% |"
  echo "| bandwidthLimit $limit B/s over ${bw_seconds}s | $bw_rate B/s (${bw_error}%) | within ±10% |"
  echo "| repair of a flipped config.json: bytes served | ${served["sync repair"]} | 8 |"
  echo "| repair / cold sync of the same model (wall) | $(ratio "sync repair" "sync +config cold") | (context) |"
  echo "| v2 changing only config.json: bytes served | ${served["sync v2 after v1"]} | 8 |"
  echo "| v2 after v1 / cold sync (wall) | $(ratio "sync v2 after v1" "sync +config cold") | (context) |"
  echo "| v2 after v1 peak RSS | $(awk -v r="${rss["sync v2 after v1"]}" 'BEGIN { printf "%.0f MiB", r / 1024 }') | ≤ 100 MiB |"
  echo
  echo "Bytes served: nginx's \`\$body_bytes_sent\` summed over the command's requests (the largest of its runs)."
  echo "\`sync repair\`: the prep (untimed) syncs model.bin + an 8-byte config.json, flips one byte of the published"
  echo "config.json and runs \`verify\` (exit 1); the timed \`sync\` re-hashes model.bin, hard-links it in and fetches"
  echo "config.json. \`sync v2 after v1\`: v1 published (untimed), then v2, whose manifest changes only config.json and"
  echo "serves the same model.bin under /v2/. \`sync +config cold\` is the cold sync of v1 for comparison."
  echo
  echo "\`sync\` includes what the others do not: process start, manifest, fsync of the file before"
  echo "publish (compare \`curl+fsync\`), marker, rename, inventory. Sources: \`bench/bench.sh\`."
  echo
  echo "On this machine the disk sets the pace, and it is noisy: ext4 mounted with \`discard\` on a"
  echo "thin-provisioned virtual disk. Writing blocks that the previous run's \`rm\` freed (and trimmed) is about"
  echo "1.6x slower than overwriting (\`dd\` of 1 GiB with fsync: 0.55 s vs 0.35 s), and speed differs by where"
  echo "ext4 places a file, so every command writes below one directory. tmpfs is no cleaner here: \`curl -o\`"
  echo "into /dev/shm took 2-7 s of system time for the same 2 GiB (the VM populating guest memory), so no"
  echo "tmpfs figures are given."
} >"$out"
echo "bench: wrote $out"
