#!/usr/bin/env bash
# Builds the ModelSync images OFFLINE with buildah (no registry, no internet: only the Debian mirror
# configured in /etc/apt/sources.list.d, for the base libraries), for linux/amd64 and linux/arm64:
#   localhost/modelsync-gate:TAG-ARCH    ModelSync.Gate (Native AOT) on glibc only
#   localhost/modelsync-daemon:TAG-ARCH  ModelSync.Daemon (Native AOT) on glibc, libgcc_s, libssl3,
#                                        CA certificates and busybox (the chown init container); no .NET runtime
#   localhost/modelsync-gate:TAG, localhost/modelsync-daemon:TAG           the amd64 images, as before
#   localhost/modelsync-gate:TAG-multiarch, localhost/modelsync-daemon:TAG-multiarch   image indexes of both
# Bases come from Debian packages (apt-get download + dpkg-deb -x; arm64 ones through a private apt
# state in artifacts/deploy-cache, the host's apt untouched), cut to the libraries the binaries need.
# Then asserts the sizes (gate <= 20 MB, daemon <= 60 MB) and tests the images: amd64 with podman run,
# arm64 by running its binaries under qemu-aarch64-static with the image's own rootfs as the sysroot.
#
# usage: scripts/deploy-images.sh [--tag TAG] [--arch amd64|arm64|all] [--gate-bin FILE] [--daemon-dir DIR]
#                                 [--no-test] [--rebuild-base]
#   --gate-bin/--daemon-dir: the amd64 binaries (default artifacts/gate, artifacts/daemon); arm64 ones
#   are artifacts/arm64/{gate,daemon}. Missing ones are published first (scripts/publish.sh).
set -euo pipefail
# shellcheck source=deploy-lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-lib.sh"
# shellcheck source=deploy-base.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-base.sh"
cd "$deploy_repo"

tag=dev
archs=(amd64 arm64)
gate_bin=$deploy_repo/artifacts/gate/ModelSync.Gate
daemon_dir=$deploy_repo/artifacts/daemon
run_tests=1
rebuild_base=0
gate_max_bytes=$((20 * 1000 * 1000))
# The official Kubernetes client (KubernetesClient.Aot, for placement by node label: issue 30) adds ~18 MB to the
# daemon binary (its source-generated JSON for every API type): 35 MB -> 53.5 MB measured for the amd64 image.
daemon_max_bytes=$((60 * 1000 * 1000))
while (($#)); do
  case $1 in
    --tag) tag=$2; shift 2 ;;
    --arch)
      case $2 in amd64 | arm64) archs=("$2") ;; all) archs=(amd64 arm64) ;; *) die "--arch takes amd64, arm64 or all" ;; esac
      shift 2 ;;
    --gate-bin) gate_bin=$2; shift 2 ;;
    --daemon-dir) daemon_dir=$2; shift 2 ;;
    --no-test) run_tests=0; shift ;;
    --rebuild-base) rebuild_base=1; shift ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
need buildah podman readelf dpkg-deb apt-get sha256sum python3 openssl
case " ${archs[*]} " in *" arm64 "*) [ "$(uname -m)" = aarch64 ] || need qemu-aarch64-static ;; esac

work=$(mktemp -d /tmp/modelsync-images.XXXXXX)
server_pid=
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

binaries() { # ARCH -> "GATE DAEMON" (publishing them when missing)
  local arch=$1 gate daemon
  if [ "$arch" = amd64 ]; then
    gate=$gate_bin daemon=$daemon_dir/ModelSync.Daemon
  else
    gate=$deploy_repo/artifacts/$arch/gate/ModelSync.Gate daemon=$deploy_repo/artifacts/$arch/daemon/ModelSync.Daemon
  fi
  if [ ! -x "$gate" ] || [ ! -x "$daemon" ] || [ -e "$(dirname "$daemon")/ModelSync.Daemon.dll" ]; then
    log "native $arch binaries missing: bash scripts/publish.sh --arch $(dotnet_arch "$arch")"
    bash scripts/publish.sh --arch "$(dotnet_arch "$arch")" >&2
  fi
  [ -x "$gate" ] || die "no gate binary at $gate"
  if [ ! -x "$daemon" ] || [ -e "$(dirname "$daemon")/ModelSync.Daemon.dll" ]; then
    die "no native daemon at $daemon (a framework-dependent build is no longer shipped)"
  fi
  echo "$gate $daemon"
}

build_image() { # ARCH CONTAINERFILE BASE FILE IMAGE
  local arch=$1 file=$2 base=$3 bin=$4 image=$5 ctx
  ctx=$work/ctx-$(basename "$bin")-$arch
  mkdir -p "$ctx"
  cp "$bin" "$ctx/"
  buildah bud --quiet --pull=never --layers=false --platform "linux/$arch" --build-arg "BASE_IMAGE=$base" \
    -f "$file" -t "$image" "$ctx" >/dev/null
  [ "$(podman image inspect --format '{{.Architecture}}' "$image")" = "$arch" ] || die "$image is not an $arch image"
}

sizes=()
for arch in "${archs[@]}"; do
  read -r gate daemon < <(binaries "$arch")
  glibc_base=$(base_image glibc "$arch")
  native_base=$(base_image native "$arch")
  if ((rebuild_base)) || ! podman image exists "$glibc_base"; then assemble_base glibc "$arch" "$glibc_base" "$gate"; fi
  if ((rebuild_base)) || ! podman image exists "$native_base"; then assemble_base native "$arch" "$native_base" "$daemon"; fi
  log "building localhost/modelsync-gate:$tag-$arch and localhost/modelsync-daemon:$tag-$arch"
  build_image "$arch" deploy/images/gate.Containerfile "$glibc_base" "$gate" "localhost/modelsync-gate:$tag-$arch"
  build_image "$arch" deploy/images/daemon.Containerfile "$native_base" "$daemon" "localhost/modelsync-daemon:$tag-$arch"
  for name in gate daemon; do
    size=$(image_size_bytes "localhost/modelsync-$name:$tag-$arch")
    max=$gate_max_bytes
    [ $name = gate ] || max=$daemon_max_bytes
    sizes+=("image localhost/modelsync-$name:$tag-$arch $(mb "$size")")
    ((size <= max)) || die "localhost/modelsync-$name:$tag-$arch is $size bytes, over the $max target"
  done
  if [ "$arch" = amd64 ]; then
    podman tag "localhost/modelsync-gate:$tag-amd64" "localhost/modelsync-gate:$tag"
    podman tag "localhost/modelsync-daemon:$tag-amd64" "localhost/modelsync-daemon:$tag"
  fi
done
if ((${#archs[@]} > 1)); then
  for name in gate daemon; do
    index=localhost/modelsync-$name:$tag-multiarch
    ! podman manifest exists "$index" || podman manifest rm "$index" >/dev/null
    buildah manifest create "$index" >/dev/null
    for arch in "${archs[@]}"; do
      buildah manifest add --arch "$arch" --os linux "$index" "containers-storage:localhost/modelsync-$name:$tag-$arch" >/dev/null
    done
    sizes+=("index $index: $(podman manifest inspect "$index" | python3 -c 'import json,sys; print(" ".join(m["platform"]["architecture"] for m in json.load(sys.stdin)["manifests"]))')")
  done
fi
printf '%s\n' "${sizes[@]}"

((run_tests)) || exit 0
# shellcheck source=deploy-images-test.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-images-test.sh"
for arch in "${archs[@]}"; do
  test_images "$arch"
done
log "images OK"
