#!/usr/bin/env bash
# Installs what building and testing ModelSync needs on a fresh Debian 12 machine. Idempotent.
#   install-deps.sh          everything the tests and bench/ need
#   install-deps.sh example  only what examples/run.sh needs (build the binaries, serve with nginx)
set -euo pipefail

# build: clang zlib1g-dev (Native AOT) · example: nginx-light curl · the hub view's client check: node + npm
packages=(clang zlib1g-dev nginx-light curl)
# the linux-arm64 cross-builds (scripts/publish.sh --arch arm64): clang links with Debian's aarch64 toolchain
packages+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross)
# A node from elsewhere (nodesource's nodejs bundles npm) is kept; Debian 12's nodejs 18 and npm do as well.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [ "${1:-all}" != example ]; then
  # tests and bench: aria2 xxhash time openssl · deploy checks and the pod e2e: shellcheck podman buildah
  # runc python3 python3-yaml · status page test: chromium
  packages+=(aria2 xxhash time openssl shellcheck podman buildah runc catatonit python3 python3-yaml chromium)
  # sync's live progress display, drawn in a real pseudo-terminal (SyncProgressDisplayTests): tmux
  packages+=(tmux)
  # the arm64 gate and daemon tests and image checks (scripts/arm64-check.sh, deploy-images.sh): qemu-user-static;
  # the images' bases (deploy-base.sh: readelf): binutils
  packages+=(qemu-user-static binutils)
  # power-cut tests (tests/ModelSync.ReliabilityTests/PowerCutTests.cs): mkfs.xfs for the reflink host image
  # and the xfs store; mkfs.ext4 and losetup come with e2fsprogs and mount (essential on Debian)
  packages+=(xfsprogs e2fsprogs mount)
  # scripts/deploy-check.sh lists the scripts with git ls-files · scripts/clean-root.sh builds a Debian 12 root
  packages+=(git debootstrap)
  # oci:// tests and bench/oci-fleet.sh: the CNCF distribution registry (plain, htpasswd, token, proxy mode)
  packages+=(docker-registry)
  # oci:// auth tests: htpasswd -B for the registry's bcrypt file
  packages+=(apache2-utils)
  # scripts/hub-cache.sh and its tests (Hub/HubCache*, Deploy HubCacheComponentTests): envsubst renders the
  # nginx template (nginx itself is nginx-light above; Debian's build has the slice module)
  packages+=(gettext-base)
  # s3:// source tests and bench/s3.sh: the AWS CLI uploads test objects to s3rver (used as /usr/bin/aws)
  packages+=(awscli)
fi
missing=()
# scripts/release-check.sh: the registry that scripts/release.sh pushes to
[ "${1:-all}" = example ] || packages+=(docker-registry)
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
# docker-registry's package may start one on :5000 where systemd runs; tests run their own on free ports.

# kubectl renders the kustomize overlays (deploy tests, deploy-e2e). Debian 12's kubernetes-client is
# kubectl 1.20, whose kustomize cannot load a base directory: like the .NET SDK, a kubectl >= 1.27 (from
# pkgs.k8s.io or the cloud SDK) is expected on the machine; say so plainly instead of failing later.
if [ "${1:-all}" != example ] && ! kubectl kustomize --help >/dev/null 2>&1; then
  echo "install-deps: kubectl (>= 1.27, with kustomize) is missing: install it from pkgs.k8s.io (Debian 12's kubernetes-client 1.20 cannot render the overlays)" >&2
  exit 1
fi

# The official Hugging Face JS client, at the version package-lock.json pins (tests/hub-view/check.mjs).
hub_view=$(cd "$(dirname "$0")/.." && pwd)/tests/hub-view
if [ ! -d "$hub_view/node_modules/@huggingface/hub" ] || [ "$hub_view/package-lock.json" -nt "$hub_view/node_modules" ]; then
  echo "install-deps: npm ci in tests/hub-view"
  npm ci --prefix "$hub_view" --no-audit --no-fund --loglevel=error >/dev/null
  touch "$hub_view/node_modules"
fi

# s3rver, a real S3 server for the s3:// source tests, at the version package-lock.json pins (tests/s3rver).
s3rver=$(cd "$(dirname "$0")/.." && pwd)/tests/s3rver
if [ "${1:-all}" != example ] && { [ ! -d "$s3rver/node_modules/s3rver" ] || [ "$s3rver/package-lock.json" -nt "$s3rver/node_modules" ]; }; then
  echo "install-deps: npm ci in tests/s3rver"
  npm ci --prefix "$s3rver" --no-audit --no-fund --loglevel=error >/dev/null
  touch "$s3rver/node_modules"
fi
