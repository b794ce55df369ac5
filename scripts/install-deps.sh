#!/usr/bin/env bash
# Installs what building and testing ModelSync needs on a fresh Debian 12 machine. Idempotent.
#   install-deps.sh          everything the tests and bench/ need
#   install-deps.sh example  only what examples/run.sh needs (build the binaries, serve with nginx)
set -euo pipefail

# build: clang zlib1g-dev (Native AOT) · example: nginx-light curl · the hub view's client check: node + npm
packages=(clang zlib1g-dev nginx-light curl)
# A node from elsewhere (nodesource's nodejs bundles npm) is kept; Debian 12's nodejs 18 and npm do as well.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [ "${1:-all}" != example ]; then
  # tests and bench: aria2 xxhash time openssl · deploy checks and the pod e2e: shellcheck podman buildah
  # runc python3 python3-yaml · status page test: chromium
  packages+=(aria2 xxhash time openssl shellcheck podman buildah runc catatonit python3 python3-yaml chromium)
  # power-cut tests (tests/ModelSync.ReliabilityTests/PowerCutTests.cs): mkfs.xfs for the reflink host image
  # and the xfs store; mkfs.ext4 and losetup come with e2fsprogs and mount (essential on Debian)
  packages+=(xfsprogs e2fsprogs mount)
  # scripts/clean-root.sh: the clean Debian 12 root
  packages+=(debootstrap)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian nginx package starts a system instance; tests run their own on 127.0.0.1.

# The official Hugging Face JS client, at the version package-lock.json pins (tests/hub-view/check.mjs).
hub_view=$(cd "$(dirname "$0")/.." && pwd)/tests/hub-view
if [ ! -d "$hub_view/node_modules/@huggingface/hub" ] || [ "$hub_view/package-lock.json" -nt "$hub_view/node_modules" ]; then
  echo "install-deps: npm ci in tests/hub-view"
  npm ci --prefix "$hub_view" --no-audit --no-fund --loglevel=error >/dev/null
  touch "$hub_view/node_modules"
fi
