#!/usr/bin/env bash
# Benchmarks the AOT gate against the tools an operator would otherwise use, and writes
# bench/GATE-RESULTS.md. Stores are built once under bench/out/ (gitignored) and reused.
#   bash bench/gate.sh            # needs xxhsum; uses hyperfine when installed (apt-get install hyperfine)
# Targets (issue "Foundation"): binary <= 3 MB (aim 2 MB); --check (size) <= 15 ms and within 4x of
# find; --verify full >= 80 % of xxhsum -H2 throughput. Files are in the page cache for every tool.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out="$repo/bench/out"
gate="${MODELSYNC_GATE_BIN:-$repo/artifacts/gate/ModelSync.Gate}"
runs="${BENCH_RUNS:-30}"
large_files="${BENCH_LARGE_FILES:-4}"
large_mib="${BENCH_LARGE_MIB:-512}"
[ -x "$gate" ] || bash scripts/publish.sh >/dev/null
mkdir -p "$out"

# make_store ROOT MODELS FILES_PER_MODEL SIZE_KIB_OR_MIB UNIT: models/<m>/1/f<i>.bin + marker + inventory.
make_store() {
  local root=$1 models=$2 files=$3 size=$4 unit=$5
  [ -f "$root/inventory.json" ] && return 0
  rm -rf "$root"
  local entries=()
  for ((m = 0; m < models; m++)); do
    local dir="$root/models/m$m/1" file_json=()
    mkdir -p "$dir"
    for ((f = 0; f < files; f++)); do
      head -c "$((size * (unit == 1 ? 1024 : 1048576)))" /dev/urandom >"$dir/f$f.bin"
    done
    while read -r hash path; do
      file_json+=("{\"path\":\"$(basename "$path")\",\"size\":$(stat -c %s "$path"),\"xxh128\":\"$hash\"}")
    done < <(cd "$dir" && xxhsum -H2 f*.bin | sed "s|  |  $dir/|")
    # The marker lists the same files as the inventory: the gate checks that they agree.
    printf '{"schemaVersion":1,"name":"m%d","version":"1","files":[%s]}' "$m" "$(IFS=,; echo "${file_json[*]}")" >"$dir/.modelsync.json"
    entries+=("{\"name\":\"m$m\",\"version\":\"1\",\"state\":\"Ready\",\"path\":\"models/m$m/1\",\"files\":[$(IFS=,; echo "${file_json[*]}")]}")
  done
  printf '{"schemaVersion":1,"generation":1,"writtenAt":"2026-01-01T00:00:00Z","node":"bench","models":[%s]}\n' \
    "$(IFS=,; echo "${entries[*]}")" >"$root/inventory.json.tmp"
  mv "$root/inventory.json.tmp" "$root/inventory.json"
}

# median_ms CMD...: median wall time of $runs runs, in ms (hyperfine when present, else date +%s%N).
median_ms() {
  if command -v hyperfine >/dev/null; then
    # -N: no shell in between, so a few-ms command is not dominated by sh startup.
    hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/hf.json" -- "$(printf '%q ' "$@")" >/dev/null
    grep -o '"median": *[0-9.e+-]*' "$out/hf.json" | head -1 | awk '{ printf "%.2f\n", $2 * 1000 }'
    return
  fi
  local times=() i start
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N); "$@" >/dev/null 2>&1 || true
    times+=($(( ($(date +%s%N) - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.2f\n", $1 / 1000 }'
}

# seconds CMD...: one wall-clock run, in seconds.
seconds() {
  local start; start=$(date +%s%N); "$@" >/dev/null 2>&1 || true
  awk -v ns="$(( $(date +%s%N) - start ))" 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}

small="$out/small" large="$out/large"
echo "bench: building stores in $out (first run only)"
make_store "$small" 100 10 16 1
make_store "$large" 1 "$large_files" "$large_mib" 2
cat "$small"/models/*/1/* "$large"/models/*/1/* >/dev/null # page cache for everyone

binary_bytes=$(stat -c %s "$gate")
check_ms=$(median_ms "$gate" --root "$small" --check)
find_ms=$(median_ms find "$small" -type f -printf '%s %p\n')
"$gate" --root "$small" --check >/dev/null || { echo "bench: the small store does not validate" >&2; exit 1; }

large_bytes=$(cat "$large"/models/m0/1/f*.bin | wc -c)
gate_full=() xxh_full=()
for _ in 1 2; do
  gate_full+=("$(seconds "$gate" --root "$large" --check --verify full)")
  xxh_full+=("$(seconds xxhsum -H2 "$large"/models/m0/1/f*.bin)")
done
"$gate" --root "$large" --check --verify full >/dev/null || { echo "bench: the large store does not validate" >&2; exit 1; }
gbps() { awk -v b="$large_bytes" -v s="$1" 'BEGIN { printf "%.2f", b / s / 1e9 }'; }
best() { printf '%s\n' "$@" | sort -n | head -1; }
gate_best=$(best "${gate_full[@]}") xxh_best=$(best "${xxh_full[@]}")

ratio_find=$(awk -v a="$check_ms" -v b="$find_ms" 'BEGIN { printf "%.1f", a / b }')
ratio_full=$(awk -v a="$xxh_best" -v b="$gate_best" 'BEGIN { printf "%.0f", 100 * a / b }')
verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }

cat >bench/GATE-RESULTS.md <<MD
# Gate benchmark

Command: \`bash bench/gate.sh\` (${runs} runs per median$(command -v hyperfine >/dev/null && echo ", hyperfine $(hyperfine --version | cut -d' ' -f2)"); full verify: best of 2 runs each).
Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), $(free -g | awk '/Mem:/ {print $2}') GiB RAM.
Stores: small = 100 models x 10 files x 16 KiB; large = ${large_files} x ${large_mib} MiB random. All files in the page cache.

| measure | gate | reference | target | result |
|---|---|---|---|---|
| binary size | $(awk -v b="$binary_bytes" 'BEGIN { printf "%.2f MB (%d bytes)", b / 1e6, b }') | | <= 3 MB (aim 2 MB) | $(verdict "$binary_bytes <= 3000000") |
| \`--check\` size mode, small store (median) | ${check_ms} ms | find -printf: ${find_ms} ms | <= 15 ms, <= 4x find | $(verdict "$check_ms <= 15 && $check_ms <= 4 * $find_ms") (${ratio_find}x find) |
| \`--verify full\`, large store | $(gbps "$gate_best") GB/s (${gate_full[*]} s) | xxhsum -H2: $(gbps "$xxh_best") GB/s (${xxh_full[*]} s) | >= 80 % of xxhsum | $(verdict "$ratio_full >= 80") (${ratio_full} %) |

Notes (from the map file, \`-p:IlcGenerateMapFile=true\`): of the binary, ~0.8 MB is CoreLib, ~0.3 MB
dehydrated runtime data, ~0.25 MB System.Text.Json code plus its generic instantiations, ~0.1 MB the
runtime type loader (rooted by EqualityComparer<T> in shared generic code, e.g. record equality) and
~0.1 MB the gate and store themselves. The 2 MB aim would need the gate to parse the inventory without
the STJ serializer, which would duplicate the store contract; not done. Full verify hashes one file at
a time: from the page cache both tools are bound by copying pages (sys time), not by xxh128.
MD
cat bench/GATE-RESULTS.md
