#!/usr/bin/env bash
# The main job, offline: serve two small models from examples/source/ with nginx on 127.0.0.1,
# `ModelSync.Daemon sync` them into /tmp/modelsync-example/store, then pass the gate's --check
# (size, then a full re-hash). Run from anywhere: bash examples/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
port=8765
work=/tmp/modelsync-example
manifest=$repo/examples/models.yaml

bash scripts/install-deps.sh example
if [ ! -x artifacts/daemon/ModelSync.Daemon ] || [ ! -x artifacts/gate/ModelSync.Gate ]; then
  bash scripts/publish.sh
fi

# shellcheck source=scripts/lib/nginx.sh
source scripts/lib/nginx.sh
mkdir -p "$work"
start_nginx "$repo/examples/source" "$port" "$work"
trap stop_nginx EXIT

echo "== validate $manifest"
artifacts/daemon/ModelSync.Daemon validate "$manifest"

echo "== sync (downloads, verifies, publishes; a second run downloads nothing)"
artifacts/daemon/ModelSync.Daemon sync --manifest "$manifest"

echo "== status"
artifacts/daemon/ModelSync.Daemon status --root "$work/store"

echo "== gate --check (size), then --verify full"
artifacts/gate/ModelSync.Gate --check --root "$work/store" --require finbert@2024-06,minilm
artifacts/gate/ModelSync.Gate --check --root "$work/store" --verify full

echo "example: OK (store at $work/store)"
