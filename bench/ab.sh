#!/usr/bin/env bash
# A/B of two daemon builds on the bench's 2 GiB file (run bench/bench.sh once first: it makes the file and
# the manifests), alternating curl / old / new so a slow stretch of the shared disk hits all three alike.
#   OLD_DLL=/path/to/old/artifacts/daemon/ModelSync.Daemon.dll ROUNDS=7 bash bench/ab.sh
# Build the old one with: git worktree add /var/tmp/ms-old REV && (cd /var/tmp/ms-old && bash scripts/publish.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/nginx.sh
source scripts/lib/nginx.sh
w=${BENCH_WORK:-/var/tmp/modelsync-bench}
old=${OLD_DLL:?set OLD_DLL to the old build\'s ModelSync.Daemon.dll}
new=${NEW_DLL:-$PWD/artifacts/daemon/ModelSync.Daemon} # a .dll runs with dotnet, anything else (native) as it is
launch() { case $1 in *.dll) echo dotnet "$1" ;; *) echo "$1" ;; esac; }
port=18181 # the port bench.sh wrote into $w/sha.yaml
start_nginx "$w/src" "$port" "$w"
trap stop_nginx EXIT
out=$(mktemp)
for i in $(seq 0 $((${ROUNDS:-7} - 1))); do
  for who in curl old new; do
    rm -rf "$w/dl/store-sha" "$w/dl/curl.bin"
    sync
    case $who in
      curl) cmd=(curl -sS -o "$w/dl/curl.bin" "http://127.0.0.1:$port/model.bin") ;;
      old) read -ra cmd < <(launch "$old"); cmd+=(sync --manifest "$w/sha.yaml") ;;
      new) read -ra cmd < <(launch "$new"); cmd+=(sync --manifest "$w/sha.yaml") ;;
    esac
    /usr/bin/time -f "$i $who %e %M" -a -o "$out" "${cmd[@]}" >/dev/null 2>&1
  done
done
for who in curl old new; do
  runs=$(awk -v w="$who" '$2 == w { print $3 }' "$out" | sort -n)
  n=$(wc -l <<<"$runs")
  rss=$(awk -v w="$who" '$2 == w && $4 > r { r = $4 } END { printf "%.1f", r / 1024 }' "$out")
  printf '%-5s median wall %s s (of %s runs), peak RSS %s MiB; sorted: %s\n' "$who" "$(sed -n "$(((n + 1) / 2))p" <<<"$runs")" "$n" "$rss" "$(tr '\n' ' ' <<<"$runs")"
done
rm -f "$out"
