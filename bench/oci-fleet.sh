#!/usr/bin/env bash
# One origin pull per cluster through a pull-through cache: an origin distribution registry, a second one in
# proxy: mode in front of it, and N daemons (separate stores) syncing one oci:// model through the cache: the
# first node alone, then the rest at once. Counts the blob bytes the origin served from its access log.
# Writes bench/OCI-FLEET-RESULTS.md.
#   flock /tmp/modelsync-heavy.lock bash bench/oci-fleet.sh           # 256 MiB layer, 4 nodes
#   BENCH_SIZE_MIB=1024 NODES=4 DAEMON_DLL=artifacts/daemon/ModelSync.Daemon.dll bash bench/oci-fleet.sh
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${BENCH_SIZE_MIB:-256}
nodes=${NODES:-4}
dll=${DAEMON_DLL:-}
if [ -z "$dll" ]; then
  for c in artifacts/daemon/ModelSync.Daemon.dll src/ModelSync.Daemon/bin/Release/net10.0/ModelSync.Daemon.dll; do
    [ -f "$c" ] && dll=$c && break
  done
fi
[ -f "$dll" ] || { echo "no daemon build: run scripts/publish.sh or dotnet build -c Release" >&2; exit 2; }
command -v docker-registry >/dev/null || { echo "docker-registry missing: bash scripts/install-deps.sh" >&2; exit 2; }
w=$(mktemp -d /var/tmp/modelsync-oci-fleet.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$w"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
serve() { # name port [proxy-remote]
  local dir=$w/$1
  mkdir -p "$dir/storage"
  { printf 'version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: %s } }\nhttp: { addr: 127.0.0.1:%s }\n' "$dir/storage" "$2"
    [ -n "${3:-}" ] && printf 'proxy: { remoteurl: %s }\n' "$3"; } >"$dir/config.yml"
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$2/v2/" && return; sleep 0.1; done
  echo "registry $1 did not start" >&2; cat "$dir/log" >&2; exit 1
}
push_blob() { # port repo file -> digest
  local digest loc
  digest=sha256:$(sha256sum "$3" | cut -d' ' -f1)
  loc=$(curl -sS -X POST -D - -o /dev/null "http://127.0.0.1:$1/v2/$2/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case $loc in http*) ;; *) loc=http://127.0.0.1:$1$loc ;; esac
  curl -sS -f -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$3" "$loc&digest=$digest" -o /dev/null
  echo "$digest"
}
origin_port=$(free_port)
serve origin "$origin_port"
head -c $((size_mib << 20)) /dev/urandom >"$w/model.safetensors"
printf '{"descriptor":{"name":"fleet"}}' >"$w/config.json"
layer=$(push_blob "$origin_port" fleet/model "$w/model.safetensors")
config=$(push_blob "$origin_port" fleet/model "$w/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cncf.model.manifest.v1+json","config":{"mediaType":"application/vnd.cncf.model.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.cncf.model.weight.v1.raw","digest":"%s","size":%s,"annotations":{"org.cncf.model.filepath":"model.safetensors"}}]}' \
  "$config" "$(stat -c %s "$w/config.json")" "$layer" "$(stat -c %s "$w/model.safetensors")" >"$w/manifest.json"
curl -sS -f -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$w/manifest.json" "http://127.0.0.1:$origin_port/v2/fleet/model/manifests/v1" -o /dev/null
cache_port=$(free_port)
serve cache "$cache_port" "http://127.0.0.1:$origin_port"
for i in $(seq 1 "$nodes"); do
  mkdir -p "$w/node$i"
  printf 'store: { root: %s }\nsync:\n  insecureRegistries: [127.0.0.1:%s]\nmodels:\n  - name: fleet\n    source: oci://127.0.0.1:%s/fleet/model:v1\n' "$w/node$i/store" "$cache_port" "$cache_port" >"$w/node$i/models.yaml"
done
origin_bytes() { grep -E '"GET /v2/[^ ]+/blobs/sha256:[0-9a-f]{64} HTTP/[0-9.]+" 20[06] ' "$w/origin/log" | awk '{ s += $10 } END { print s + 0 }'; }
origin_gets() { grep -cE '"GET /v2/[^ ]+/blobs/sha256:[0-9a-f]{64} HTTP/[0-9.]+" 20[06] ' "$w/origin/log" || true; }
sync_node() { /usr/bin/time -f "%e" -o "$w/node$1/time" dotnet "$dll" sync --manifest "$w/node$1/models.yaml" >"$w/node$1/out" 2>&1; }
sync_node 1
# The origin logs a request when it ends; the cache may still be finishing a fetch node 1's parallel ranges
# started (distribution fetches a not-yet-cached blob once per concurrent GET): wait until its log is quiet.
last=-1
for _ in $(seq 120); do now=$(stat -c %s "$w/origin/log"); [ "$now" = "$last" ] && break; last=$now; sleep 3; done
first_gets=$(origin_gets); first_bytes=$(origin_bytes)
hex=${layer#sha256:}
for _ in $(seq 300); do [ -f "$w/cache/storage/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data" ] && break; sleep 0.1; done
start=$(date +%s.%N)
node_pids=()
for i in $(seq 2 "$nodes"); do sync_node "$i" & node_pids+=($!); done
wait_fail=0
for p in "${node_pids[@]}"; do wait "$p" || wait_fail=1; done
rest_wall=$(echo "$(date +%s.%N) - $start" | bc)
all_gets=$(origin_gets); all_bytes=$(origin_bytes)
for i in $(seq 1 "$nodes"); do
  cmp -s "$w/model.safetensors" "$w/node$i/store/models/fleet/sha256-"*"/model.safetensors" || { echo "node $i: model differs or missing" >&2; cat "$w/node$i/out" >&2; exit 1; }
done
[ "$wait_fail" = 0 ] || { echo "a node failed" >&2; exit 1; }
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# oci:// through a pull-through cache ($(date -u +%F), $(nproc) cores, load average $load at the end: the machine was shared and loaded)"
  echo
  echo "Command: \`BENCH_SIZE_MIB=$size_mib NODES=$nodes bash bench/oci-fleet.sh\` (distribution $(dpkg-query -W -f='${Version}' docker-registry 2>/dev/null || echo '?'), origin and cache on 127.0.0.1, one ${size_mib} MiB raw ModelPack layer + config)."
  echo
  echo "| | wall | origin blob GETs (total) | origin blob bytes (total) |"
  echo "|---|---|---|---|"
  echo "| node 1 alone | $(cat "$w/node1/time") s | $first_gets | $first_bytes |"
  echo "| nodes 2–$nodes at once | $rest_wall s (each: $(for i in $(seq 2 "$nodes"); do printf '%s s ' "$(cat "$w/node$i/time")"; done)) | $all_gets | $all_bytes |"
  echo
  echo "After the first node the origin served $((all_gets - first_gets)) blob GETs ($((all_bytes - first_bytes)) bytes)."
  echo "Node 1 asks the cache in parallel ranges; distribution fetches a blob it does not hold yet from the origin once per"
  echo "concurrent GET, so node 1 alone may cost the origin more than one copy. The origin's blob lines:"
  echo
  grep -E '"GET /v2/[^ ]+/blobs/sha256:' "$w/origin/log" | sed 's/^/    /'

} >bench/OCI-FLEET-RESULTS.md
cat bench/OCI-FLEET-RESULTS.md
