#!/usr/bin/env bash
# s3:// against plain HTTP, same file, same run: ModelSync `sync` of a 1 GiB object from s3rver (presigned
# GETs), verified by its MD5 ETag (sync-s3) or by the manifest's sha256 as sync-http is (sync-s3-digest), vs
# the same file from nginx (manifest sha256), and curl of each. Round robin, median wall time of RUNS runs after
# one uncounted warm-up, with the CPU seconds of the client and of the server. Writes bench/S3-RESULTS.md.
#   flock /tmp/modelsync-heavy.lock bash bench/s3.sh
#   BENCH_SIZE_MIB=256 RUNS=1 BENCH_OUT=/tmp/s3.md bash bench/s3.sh
#   DAEMON="/path/artifacts/daemon/ModelSync.Daemon" bash bench/s3.sh   # default: dotnet of the Release build
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
size_mib=${BENCH_SIZE_MIB:-1024}
runs=${RUNS:-3}
work=${BENCH_WORK:-/var/tmp/modelsync-bench-s3}
out=${BENCH_OUT:-$repo/bench/S3-RESULTS.md}
aws=/usr/bin/aws # the Debian CLI; a python shim earlier on PATH may shadow 'aws'
s3rver=$repo/tests/s3rver/node_modules/s3rver/bin/s3rver.js
if [ ! -f "$s3rver" ] || [ ! -x "$aws" ]; then bash scripts/install-deps.sh; fi
if [ -z "${DAEMON:-}" ]; then
  dll=$repo/src/ModelSync.Daemon/bin/Release/net10.0/ModelSync.Daemon.dll
  [ -f "$dll" ] || dotnet build src/ModelSync.Daemon -c Release -clp:ErrorsOnly >/dev/null
  DAEMON="dotnet $dll"
fi
# shellcheck source=scripts/lib/nginx.sh
source scripts/lib/nginx.sh
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

rm -rf "$work"
mkdir -p "$work/src" "$work/dl" "$work/s3"
file=$work/src/model.bin
echo "bench/s3: making a ${size_mib} MiB random file"
head -c "$((size_mib << 20))" /dev/urandom >"$file"
sha=$(openssl dgst -sha256 -r "$file" | cut -c1-64)
http_port=$(free_port)
start_nginx "$work/src" "$http_port" "$work"
s3_port=$(free_port)
node "$s3rver" -s -d "$work/s3" -a 127.0.0.1 -p "$s3_port" --configure-bucket bench >"$work/s3rver.log" 2>&1 &
s3_pid=$!
trap 'stop_nginx; kill "$s3_pid" 2>/dev/null || true' EXIT
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
  AWS_ENDPOINT_URL_S3=http://127.0.0.1:$s3_port AWS_EC2_METADATA_DISABLED=true
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && break; sleep 0.2; done
echo "bench/s3: uploading to s3rver (multipart, 8 MiB parts)"
"$aws" --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 cp --only-show-errors "$file" s3://bench/m/model.bin
presigned=$("$aws" --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 presign s3://bench/m/model.bin --expires-in 3600)

cat >"$work/http.yaml" <<YAML
store: { root: $work/dl/store, reserve: 1Gi }
sync: { concurrency: 1 }
models:
  - name: bench
    version: "1"
    files: [{ path: model.bin, url: "http://127.0.0.1:$http_port/model.bin", size: $((size_mib << 20)), sha256: $sha }]
YAML
cat >"$work/s3.yaml" <<YAML
store: { root: $work/dl/store, reserve: 1Gi }
sync: { concurrency: 1 }
models:
  - name: bench
    source: s3://bench/m/
YAML
# The same model with the check sync-http makes: the manifest's sha256 for the key.
{ cat "$work/s3.yaml"; echo "    digests: [{ path: model.bin, sha256: $sha }]"; } >"$work/s3-digest.yaml"

declare -A cmd=(
  [curl-http]="curl -sS -o $work/dl/curl.bin http://127.0.0.1:$http_port/model.bin"
  [curl-s3]="curl -sS -o $work/dl/curl.bin '$presigned'"
  [sync-http]="$DAEMON sync --manifest $work/http.yaml"
  [sync-s3]="$DAEMON sync --manifest $work/s3.yaml"
  [sync-s3-digest]="$DAEMON sync --manifest $work/s3-digest.yaml"
)
order=(curl-http curl-s3 sync-http sync-s3 sync-s3-digest)
declare -A server=([curl-http]=nginx [curl-s3]=s3rver [sync-http]=nginx [sync-s3]=s3rver [sync-s3-digest]=s3rver)
# CPU seconds (user + system) a server's processes have used so far: nginx's master and worker, or s3rver.
server_cpu() {
  local pids
  if [ "$1" = nginx ]; then pids="$(cat "$NGINX_PID_FILE") $(pgrep -P "$(cat "$NGINX_PID_FILE")" | tr '\n' ' ')"; else pids=$s3_pid; fi
  # shellcheck disable=SC2086 # a list of pids
  for p in $pids; do cut -d' ' -f14,15 "/proc/$p/stat"; done | awk -v hz="$(getconf CLK_TCK)" '{ t += $1 + $2 } END { printf "%.2f", t / hz }'
}
declare -A times cpu scpu
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 0 "$runs"); do
  for name in "${order[@]}"; do
    rm -rf "$work/dl/store" "$work/dl/curl.bin"
    sync
    before=$(server_cpu "${server[$name]}")
    /usr/bin/time -f "%e %U %S" -o "$work/time" bash -c "${cmd[$name]}" >/dev/null 2>"$work/run.log" || { cat "$work/run.log"; exit 1; }
    after=$(server_cpu "${server[$name]}")
    if [[ $name == sync-s3* ]]; then
      grep -q "$sha" "$work/dl/store/inventory.json" || { echo "bench/s3: sync-s3 did not record the file's sha256"; exit 1; }
    fi
    if [ "$round" -gt 0 ]; then
      read -r wall user sys <"$work/time"
      times[$name]="${times[$name]:-} $wall"
      cpu[$name]="${cpu[$name]:-} $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
      scpu[$name]="${scpu[$name]:-} $(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", b - a }')"
    fi
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
{
  echo "# s3:// vs plain HTTP ($size_mib MiB, $(date -u +%Y-%m-%d))"
  echo
  echo "Command: \`flock /tmp/modelsync-heavy.lock bash bench/s3.sh\` (BENCH_SIZE_MIB=$size_mib RUNS=$runs). The same random file served by"
  echo "nginx and by s3rver 3.7.1 (uploaded with the AWS CLI, multipart in 8 MiB parts), on 127.0.0.1; the store on $(df --output=source "$work" | tail -1)."
  echo "Median wall time of $runs runs after one uncounted warm-up round, taken round robin. sync-http verifies the manifest's"
  echo "sha256 (+ xxh128); sync-s3 lists, HEADs, presigns every ranged GET and verifies s3rver's MD5 ETag (+ sha256 + xxh128 recorded);"
  echo "sync-s3-digest does the same with the manifest's sha256 for the key (\`digests:\`), the check sync-http makes. CPU is user + system"
  echo "seconds of the command (client) and of the server's processes (nginx master + worker, or s3rver's node) during it, medians."
  echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after ($(nproc) cores)."
  echo
  echo "| command | server | median s | MiB/s | client CPU s | server CPU s | runs (s) |"
  echo "|---|---|---|---|---|---|---|"
  for name in "${order[@]}"; do
    m=$(median "${times[$name]}")
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "${server[$name]}" "$m" "$(awk -v s="$size_mib" -v t="$m" 'BEGIN { printf "%.0f", s / t }')" \
      "$(median "${cpu[$name]}")" "$(median "${scpu[$name]}")" "${times[$name]# }"
  done
  ratio() { awk -v a="$(median "${times[$1]}")" -v b="$(median "${times[$2]}")" 'BEGIN { printf "%.2f", a / b }'; }
  echo
  echo "sync-s3-digest / sync-http: $(ratio sync-s3-digest sync-http); sync-s3 / sync-http: $(ratio sync-s3 sync-http); curl-s3 / curl-http: $(ratio curl-s3 curl-http) (the issue asks for within 1.10)."
} >"$out"
cat "$out"
