#!/usr/bin/env bash
# Fleet benchmark (issue 16): N simulated nodes, each its own store and daemon process, sync the same
# hf:// model and http:// model, once all going direct to the origin and once through hub-cache
# (scripts/hub-cache.sh, the kustomize component's nginx config), in one run. The origin
# (bench/fleet-origin.py: hub API + /resolve/ on 127.0.0.1, CDN + plain HTTP on 127.0.0.2) counts what
# it serves. Writes bench/FLEET-RESULTS.md.
#   flock /tmp/modelsync-heavy.lock bash bench/fleet.sh               # 8 nodes, 2+96 MiB hf model, 32 MiB http model
#   NODES=16 LFS_MIB=256 HTTP_MIB=64 bash bench/fleet.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
nodes=${NODES:-8}
lfs_mib=${LFS_MIB:-96} git_mib=${GIT_MIB:-2} http_mib=${HTTP_MIB:-32}
work=${BENCH_WORK:-/var/tmp/modelsync-fleet}
out=${BENCH_OUT:-$repo/bench/FLEET-RESULTS.md}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [ -x artifacts/daemon/ModelSync.Daemon ]; then
  daemon=(artifacts/daemon/ModelSync.Daemon) how="native (artifacts/daemon)"
else
  dotnet build src/ModelSync.Daemon -c Release -clp:ErrorsOnly -nologo >/dev/null
  daemon=(dotnet src/ModelSync.Daemon/bin/Release/net10.0/ModelSync.Daemon.dll) how="dotnet ModelSync.Daemon.dll (Release)"
fi

rm -rf "$work" && mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
origin_port=$(free_port) cache_port=$(free_port)
python3 bench/fleet-origin.py --port "$origin_port" --info "$work/origin.json" --lfs-mib "$lfs_mib" --git-mib "$git_mib" --http-mib "$http_mib" &
pids+=($!)
bash scripts/hub-cache.sh --upstream "http://127.0.0.1:$origin_port" --listen "127.0.0.1:$cache_port" --dir "$work/hub-cache" \
  --http-origins "127\\.0\\.0\\.2:$origin_port" 2>"$work/hub-cache.out" &
pids+=($!)
for _ in $(seq 100); do
  [ -f "$work/origin.json" ] && curl -fsS "http://127.0.0.1:$cache_port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
info() { python3 -c "import json,sys; print(json.load(open('$work/origin.json'))['$1'])"; }
hub_repo=$(info repo) commit=$(info commit) model_bytes=$(($(info hubBytes) + $(info httpBytes)))
http_sha=$(info httpSha256) http_bytes=$(info httpBytes)

manifest() { # FILE STORE SYNC-LINES
  cat >"$1" <<YAML
store: { root: $2, reserve: 256Mi }
sync:
  retry: { maxAttempts: 3, baseDelay: 200ms, maxDelay: 2s }
$3
models:
  - name: fleet
    source: hf://$hub_repo@main
  - name: weights
    version: v1
    files:
      - { path: weights.bin, size: $http_bytes, sha256: $http_sha, url: http://127.0.0.2:$origin_port/http/weights.bin }
YAML
}

run() { # MODE SYNC-LINES -> one markdown row
  local mode=$1 sync=$2 failed=0 start end
  curl -fsS "http://127.0.0.1:$origin_port/_reset" >/dev/null
  local node_pids=()
  start=$(date +%s.%N)
  for i in $(seq "$nodes"); do
    mkdir -p "$work/$mode/node-$i"
    manifest "$work/$mode/node-$i.yaml" "$work/$mode/node-$i/store" "$sync"
    MODELSYNC_NODE=node-$i "${daemon[@]}" sync --manifest "$work/$mode/node-$i.yaml" >"$work/$mode/node-$i.log" 2>&1 &
    node_pids+=($!)
  done
  for p in "${node_pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
  end=$(date +%s.%N)
  local wall
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  # Ready and verified: the sync exits 0 only then; the files are checked once more here.
  for i in $(seq "$nodes"); do
    [ "$(sha256sum <"$work/$mode/node-$i/store/models/weights/v1/weights.bin" | cut -c1-64)" = "$http_sha" ] || failed=$((failed + 1))
    [ -f "$work/$mode/node-$i/store/models/fleet/$commit/model.safetensors" ] || failed=$((failed + 1))
  done
  curl -fsS "http://127.0.0.1:$origin_port/_stats" | python3 -c "
import json, sys
s = json.load(sys.stdin); g = lambda k, f: s.get(k, {}).get(f, 0)
total = sum(v['bytes'] for v in s.values())
print(f\"| $mode | $nodes | {total / $model_bytes:.2f} | {g('api','requests')} | {g('resolve','requests')} | {g('cdn','requests')} | {g('http','requests')} | $wall s | $failed |\")"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
direct=$(run direct "  hfEndpoint: http://127.0.0.1:$origin_port/")
cached=$(run cache "  hfEndpoint: http://127.0.0.1:$cache_port/
  proxy: http://127.0.0.1:$cache_port")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cat >"$out" <<MD
# Fleet benchmark: N nodes direct vs through hub-cache

\`bash bench/fleet.sh\` (NODES=$nodes LFS_MIB=$lfs_mib GIT_MIB=$git_mib HTTP_MIB=$http_mib), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores,
load average $load_before before and $load_after after$( [ "${load_before%%.*}" -ge "$(nproc)" ] && echo " (the machine was loaded by other work: wall times are noisy)").
Daemon: $how. Origin: bench/fleet-origin.py (hub API and /resolve/ on 127.0.0.1, CDN and a plain-HTTP
origin on 127.0.0.2). Model bytes: $model_bytes (hf:// model.safetensors ${lfs_mib} MiB LFS, tokenizer.json
${git_mib} MiB git, config.json; http:// weights.bin ${http_mib} MiB). Each node: its own store and \`sync\`
process, all started at once; defaults (segmentSize 16Mi, 4 segments per file).

| mode | nodes | origin bytes / model bytes | hub API requests | hub resolve requests | CDN requests | HTTP origin requests | wall | failed |
|---|---|---|---|---|---|---|---|---|
$direct
$cached

"origin bytes" counts every body byte the origin sent (hub, CDN, HTTP origin). Through the cache the
hub's API sees one revision and one tree request whatever N, each file is resolved once (the redirect is
cached 10 min), and the CDN and the HTTP origin serve each byte once, in 8 MiB slices. Wall time on
one machine measures that machine, not a WAN: here the origin is as near as the cache, so the cache
cannot be faster; against a real hub the cache turns N downloads over the uplink into one.
MD
cat "$out"
