#!/usr/bin/env bash
# The main job, offline: serve two small models from examples/source/ with nginx on 127.0.0.1 (one as
# plain files listed in the manifest, one behind a static Hugging Face hub mirror: `source: hf://…`),
# `ModelSync.Daemon sync` them into /tmp/modelsync-example/store, then pass the gate's --check
# (size, then a full re-hash), and read the hub model through the store's Hugging Face cache view (hub/) with
# the official JS client. Run from anywhere: bash examples/run.sh
#
# usage: bash examples/run.sh [--port PORT] [--dir DIR]
#   --port PORT  where nginx listens on 127.0.0.1 (env MODELSYNC_EXAMPLE_PORT, default 8765; 0: any free port)
#   --dir DIR    work directory: the store, nginx's files and logs (env MODELSYNC_EXAMPLE_DIR,
#                default /tmp/modelsync-example)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
port=${MODELSYNC_EXAMPLE_PORT:-8765}
work=${MODELSYNC_EXAMPLE_DIR:-/tmp/modelsync-example}
while (($#)); do
  case $1 in
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --dir) work=${2:?--dir needs a value}; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "examples/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ $port =~ ^[0-9]+$ ]] || ((port > 65535)); then
  echo "examples/run.sh: --port: '$port' is not a port number" >&2
  exit 2
fi
case $work in /*) ;; *) work=$PWD/$work ;; esac
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
if ((port == 0)); then port=$(free_port); fi
# Checked before anything is built: nginx would print a bind() error per attempt and give up.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "examples/run.sh: port $port on 127.0.0.1 is in use; pick another: bash examples/run.sh --port $((port + 1)) (or --port 0 for any free one)" >&2
  exit 1
fi

bash scripts/install-deps.sh example
if [ ! -x artifacts/daemon/ModelSync.Daemon ] || [ ! -x artifacts/gate/ModelSync.Gate ]; then
  # Once per checkout: later runs reuse artifacts/. The output goes to a log unless the build fails.
  echo "== build: dotnet publish of the daemon and the Native-AOT gate into artifacts/ (first run only, ~30 s to a few minutes)"
  mkdir -p "$work"
  bash scripts/publish.sh >"$work/publish.log" 2>&1 || { tail -n 40 "$work/publish.log" >&2; echo "examples/run.sh: the build failed (whole log: $work/publish.log)" >&2; exit 1; }
  echo "   done: artifacts/daemon/ModelSync.Daemon, artifacts/gate/ModelSync.Gate (log: $work/publish.log)"
fi

# The manifest as examples/models.yaml writes it, with the chosen port and directory.
mkdir -p "$work"
manifest=$work/models.yaml
sed -e "s|127.0.0.1:8765|127.0.0.1:$port|g" -e "s|/tmp/modelsync-example/|$work/|g" examples/models.yaml >"$manifest"
echo "== serving examples/source/ on 127.0.0.1:$port; store in $work/store"

# shellcheck source=scripts/lib/nginx.sh
source scripts/lib/nginx.sh
# What nginx serves: the plain files, and the hub mirror of minilm-mini (a real git commit of it).
www=$work/www
rm -rf "$www"
mkdir -p "$www"
ln -s "$repo/examples/source/sentiment-mini" "$www/sentiment-mini"
commit=$(bash examples/hub-mirror.sh examples/source/minilm-mini examples/minilm-mini "$www/hub" 'weights.bin')
echo "== hub mirror: hf://examples/minilm-mini@main is commit $commit"
start_nginx "$www" "$port" "$work"
trap stop_nginx EXIT

echo "== validate $manifest"
artifacts/daemon/ModelSync.Daemon validate "$manifest"

echo "== sync (downloads, verifies, publishes; a second run downloads nothing)"
artifacts/daemon/ModelSync.Daemon sync --manifest "$manifest"

echo "== status"
artifacts/daemon/ModelSync.Daemon status --root "$work/store"

echo "== gate --check (size), then --verify full"
artifacts/gate/ModelSync.Gate --check --root "$work/store" --require "finbert@2024-06,minilm@$commit"
artifacts/gate/ModelSync.Gate --check --root "$work/store" --verify full

echo "== hub view: the official Hugging Face JS client reads minilm from $work/store/hub, offline"
files=()
for f in examples/source/minilm-mini/*; do
  files+=("{\"path\":\"$(basename "$f")\",\"size\":$(stat -c %s "$f"),\"sha256\":\"$(sha256sum "$f" | cut -d' ' -f1)\"}")
done
(IFS=,; printf '{"cacheDir":"%s","repos":[{"id":"examples/minilm-mini","revisions":[{"commit":"%s","refs":["main"],"files":[%s]}]}]}\n' \
  "$work/store/hub" "$commit" "${files[*]}") >"$work/hub-view-expect.json"
node tests/hub-view/check.mjs "$work/hub-view-expect.json"

echo "example: OK (store at $work/store)"
