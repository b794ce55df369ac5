#!/usr/bin/env bash
# The main job, offline: serve two small models from examples/source/ with nginx on 127.0.0.1 (one as
# plain files listed in the manifest, one behind a static Hugging Face hub mirror: `source: hf://…`),
# `ModelSync.Daemon sync` them into /tmp/modelsync-example/store, then pass the gate's --check
# (size, then a full re-hash), and read the hub model through the store's Hugging Face cache view (hub/) with
# the official JS client. Run from anywhere: bash examples/run.sh
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
